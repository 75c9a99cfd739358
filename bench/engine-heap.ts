/**
 * The engine process's V8 heap, read through its inspector (the process runs
 * with `--inspect=127.0.0.1:<port>`): a full garbage collection first, so the
 * figure is what the engine keeps, not garbage a burst left behind; and, for
 * investigation, a heap snapshot written to a file.
 *
 * RSS alone cannot tell the two apart: after a burst V8 keeps the pages it
 * grew into until its memory reducer runs, and malloc keeps what Node's
 * buffers freed.
 */
import { createWriteStream } from 'node:fs';

interface InspectorTarget {
  readonly webSocketDebuggerUrl: string;
}

interface Reply {
  readonly id?: number;
  readonly method?: string;
  readonly params?: { chunk?: string };
  readonly result?: Record<string, unknown>;
  readonly error?: { message: string };
}

/** One inspector session: commands answered in order, events handed to `onEvent`. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  onEvent: (reply: Reply) => void = () => undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as Reply;
      if (reply.id === undefined) return this.onEvent(reply);
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error) waiter?.reject(new Error(reply.error.message));
      else waiter?.resolve(reply.result ?? {});
    });
  }

  static async open(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as InspectorTarget[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector on port ${port} refused the connection`)), { once: true });
    });
    return new Inspector(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  close(): void {
    this.socket.close();
  }
}

/** The engine's `process.memoryUsage()` after full collections, in bytes. */
export interface MemoryUsage {
  readonly rss: number;
  /** V8 heap in use (live objects). */
  readonly heapUsed: number;
  /** V8 heap committed (pages V8 holds, used or not). */
  readonly heapTotal: number;
  /** Outside V8's heap: Buffers and other array buffers, and what native modules report. */
  readonly external: number;
}

export async function memoryAfterGc(port: number): Promise<MemoryUsage> {
  const inspector = await Inspector.open(port);
  try {
    // Twice: the first may leave objects that only its weak callbacks released.
    await inspector.call('HeapProfiler.collectGarbage');
    await inspector.call('HeapProfiler.collectGarbage');
    const usage = await inspector.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    return JSON.parse((usage.result as { value: string }).value) as MemoryUsage;
  } finally {
    inspector.close();
  }
}

/** A heap snapshot (Chrome DevTools' format) of the engine process, written to `file`. */
export async function writeHeapSnapshot(port: number, file: string): Promise<void> {
  const inspector = await Inspector.open(port);
  const out = createWriteStream(file);
  try {
    inspector.onEvent = (event) => {
      if (event.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(event.params!.chunk!);
    };
    await inspector.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    inspector.close();
    await new Promise((resolve) => out.end(resolve));
  }
}
