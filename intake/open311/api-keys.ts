import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EVENT_SOURCES, type EventSource } from '../../orm/entities/vocabulary';
import { IntakeError } from '../errors';

/** An intake system allowed to report through Open311, and the source its reports carry. */
export interface ApiClient {
  readonly name: string;
  readonly source: EventSource;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Anything that runs a parameterised query: a pg.Pool, a pg.Client. */
export interface Executor {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * Issues a new key for an intake system (the 12345 hotline, a departmental
 * system) and returns it; only its hash is stored, so it is shown this once.
 */
export async function issueApiKey(db: Executor, name: string, source: EventSource): Promise<string> {
  if (!(EVENT_SOURCES as readonly string[]).includes(source)) throw new Error(`unknown source ${JSON.stringify(source)}: one of ${EVENT_SOURCES.join(', ')}`);
  const key = randomBytes(32).toString('base64url');
  await db.query(`insert into public.intake_api_key (name, source, key_sha256) values ($1, $2, $3)`, [name, source, hashApiKey(key)]);
  return key;
}

/** The client a key belongs to; a typed error for a missing, unknown or revoked key. */
export async function authenticate(em: EntityManager, key: string | undefined): Promise<ApiClient> {
  if (key === undefined || key === '') throw new IntakeError('API_KEY_REQUIRED', 'api_key: required', 'api_key');
  const rows = await em
    .fork()
    .execute<{ name: string; source: EventSource }[]>(`select name, source from public.intake_api_key where key_sha256 = ? and revoked_at is null`, [hashApiKey(key)]);
  const client = rows[0];
  if (client === undefined) throw new IntakeError('INVALID_API_KEY', 'api_key: not a valid key', 'api_key');
  return { name: client.name, source: client.source };
}
