import pg from 'pg';
import { seedCity } from '../orm/seed/seed-city';

/** Seeds the reference city into a test database: the same rows `npm run seed` writes. */
export async function seedTestCity(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await seedCity(client);
  } finally {
    await client.end();
  }
}
