// Run-long locks on PostgreSQL: session advisory locks (pg_try_advisory_lock), taken on a connection kept for the
// run. The server drops them when that connection ends, however the process ends, so no lock outlives its run.
import { hostname } from 'node:os';
import type { Store } from './store.ts';
import { PostgresStore } from './postgres.ts';
import { LockHeldError } from './writer-lock.ts';
import { printableLocation } from './location.ts';

/**
 * Runs fn holding advisory lock `key` on the store's database. The holding connection is named after the run
 * (application_name), so a refused run can say who holds it. Throws LockHeldError at once when it is taken.
 */
export async function withAdvisoryLock<T>(store: Store, key: number, command: string, fn: () => Promise<T>): Promise<T> {
  if (!(store instanceof PostgresStore)) throw new Error('advisory locks are a PostgreSQL store\'s');
  const client = await store.pool.connect();
  try {
    const name = `wirefold ${command} pid ${process.pid} on ${hostname()}`.slice(0, 63);
    await client.query(`SET application_name = '${name.replace(/'/g, "''")}'`);
    const taken = (await client.query('SELECT pg_try_advisory_lock($1) AS taken', [key])).rows[0].taken as boolean;
    if (!taken) {
      const holder = (await client.query(
        `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted LIMIT 1`, [key])).rows[0] as
        { application_name: string; backend_start: Date } | undefined;
      const [, holderCommand = 'unknown', pid = '0', host = 'unknown'] = /^wirefold (\S+) pid (\d+) on (.*)$/.exec(holder?.application_name ?? '') ?? [];
      throw new LockHeldError({ pid: Number(pid), startedAt: holder?.backend_start?.toISOString() ?? 'unknown', host, command: holderCommand }, printableLocation(store.path));
    }
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
