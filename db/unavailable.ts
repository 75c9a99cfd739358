/**
 * Whether an error means PostgreSQL cannot be reached right now (down,
 * restarting, shutting down), which a client should retry, rather than a
 * fault of the request. Decided by stable codes only: Node's socket errnos and
 * PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P
 * (operator intervention: shutdown, crash recovery, starting up).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function isDatabaseUnavailable(error: unknown): boolean {
  // Looked at structurally: Node's socket errors may come from another realm than this module's Error.
  let cause: unknown = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 5; depth++) {
    // pg sets `code`; MikroORM's DriverException keeps it and adds `sqlState`.
    const { code, sqlState } = cause as { code?: unknown; sqlState?: unknown };
    for (const value of [code, sqlState]) {
      if (typeof value !== 'string') continue;
      if (SOCKET_CODES.has(value) || value.startsWith('08') || value.startsWith('57P')) return true;
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
