// A new, empty schema on a PostgreSQL server, named in the URL's search_path, so that each test (or benchmark round)
// has tables of its own. Free of vitest, so benchmarks use it too.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The URL of a new schema `t_<label>_<random>` on `server` (a postgres:// URL). */
export async function freshSchemaLocation(server: string, label = 'store'): Promise<string> {
  const schema = `t_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
