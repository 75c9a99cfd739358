import type { ClientBase } from 'pg';

export async function updateMeta(client: ClientBase, lastKey: number, lastPosition: number): Promise<void> {
  await client.query(`update engine.meta set last_key = $1, last_position = $2 where id = 1`, [lastKey, lastPosition]);
}
