// The two store backends the store suite runs against: SQLite files always, PostgreSQL when a server is configured
// (WIREFOLD_TEST_POSTGRES, which .ci/run always sets; see .ci/postgres.sh). Each PostgreSQL store is a fresh schema
// of its own in that server, named in the URL's search_path, so tests never see each other's tables.
import { join } from 'node:path';
import { freshSchemaLocation } from './postgres-schema.ts';
import { tempFolder } from './helpers.ts';

export const postgresServer = process.env.WIREFOLD_TEST_POSTGRES;

/** Why PostgreSQL tests are skipped here, or null when they run. */
export const postgresSkipReason = postgresServer ? null : 'no PostgreSQL server configured (set WIREFOLD_TEST_POSTGRES, or run .ci/run)';

/** A URL of a new, empty schema on the test server. */
export async function freshPostgresLocation(label = 'store'): Promise<string> {
  if (!postgresServer) throw new Error(postgresSkipReason!);
  return freshSchemaLocation(postgresServer, label);
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A location for a new store. */
  fresh(label?: string): Promise<string>;
}

/** The backends to run a store suite on, with the reason PostgreSQL is left out when it is. */
export const backends: Backend[] = [
  { name: 'sqlite', fresh: async (label = 'store') => join(tempFolder(), `${label}.db`) },
  ...(postgresServer ? [{ name: 'postgres' as const, fresh: freshPostgresLocation }] : []),
];
if (postgresSkipReason) console.warn(`PostgreSQL store tests skipped: ${postgresSkipReason}`);
