// One measured run of bench/scale-out: a fresh PostgreSQL database with the feed list added once, then N real
// `wirefold ingest` processes started together (a first fetch of every feed), then N again after the bench moves every
// feed's next fetch time into the past, as 15 minutes later (every feed answers 304). For each phase: wall time until
// the last worker exits, each worker's CPU and feeds, the server's CPU, peak connections, and whether every feed was
// fetched exactly once (the feed server's own request counts, the workers' run records and the feeds table).
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { measureNode } from '../child-figures.ts';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { listFeeds, upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { recentRuns } from '../../src/store/runs.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { databaseUrl, machineTicks, ServerCpu } from './postgres.ts';

export interface PhaseFigures {
  wallMs: number;
  /** CPU seconds (user + system, all threads) of each worker process, from /usr/bin/time; NaN without it. */
  workerCpuS: number[];
  /** Feeds each worker fetched or found not modified (its run record in the store). */
  workerFeeds: number[];
  /** The PostgreSQL server's CPU seconds over the phase (all its processes); null when it is not on this machine. */
  databaseCpuS: number | null;
  /** Share of the whole machine's CPU time that was busy over the phase (every process, other users' too). */
  machineBusy: number;
  /** Most connections open to the bench's database at once (pg_stat_activity, sampled every 50 ms). */
  peakConnections: number;
  /** New articles the workers stored. */
  added: number;
  check: ExactlyOnce;
}

/** Whether every feed was fetched exactly once in a phase, by the feed server's count of requests. */
export interface ExactlyOnce {
  /** Feeds not requested at all. */
  missed: number;
  /** Feeds requested more than once, and the extra requests. */
  duplicated: number;
  extraRequests: number;
  /** Feeds whose last_fetched_at is not after the phase began (the store's view). */
  unrecorded: number;
  /** Feeds the workers' run records count as failed. */
  failed: number;
  /** The workers' fetched + not-modified counts add up to the feed count. */
  summed: boolean;
}

export interface WorkersRun {
  workers: number;
  first: PhaseFigures;
  notModified: PhaseFigures;
  /** Articles in the store after the run. */
  articles: number;
  /** pg_database_size with the feed list only, and after the first phase (bytes). */
  databaseBytesEmpty: number;
  databaseBytesAfter: number;
}

export interface RunContext {
  /** The maintenance database's URL (see PostgresServer). */
  adminUrl: string;
  feedUrls: readonly string[];
  /** The feed server's requests per feed so far. */
  requests: () => Promise<number[]>;
  repoRoot: string;
  /** A name unique to this run, for its database. */
  label: string;
}

const samplingMs = 50;
const drainTimeoutMs = 15_000;

/** Measures `workers` ingest processes against a fresh database; drops the database afterwards. */
export async function measureWorkers(context: RunContext, workers: number): Promise<WorkersRun> {
  const name = `wirefold_scale_${context.label.replace(/\W/g, '_')}`.toLowerCase();
  const location = databaseUrl(context.adminUrl, name);
  const admin = new pg.Client({ connectionString: context.adminUrl, application_name: 'wirefold-bench' });
  await admin.connect();
  const scratch = mkdtempSync(join(tmpdir(), 'wirefold-bench-scale-out-'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const serverCpu = await ServerCpu.of(admin);
    await withStore(location, async (store) => {
      await store.transaction(async () => {
        for (const url of context.feedUrls) await upsertFeed(store, { url });
      });
    });
    const size = async () => Number((await admin.query('SELECT pg_database_size($1) AS n', [name])).rows[0].n);
    const databaseBytesEmpty = await size();
    const phase = () => runPhase({ context, admin, serverCpu, name, location, workers, scratch });
    const first = await phase();
    const databaseBytesAfter = await size();
    // Fifteen minutes later: every feed is due again (its server said max-age=900), and answers 304.
    await withStore(location, (store) => sqlOf(store).run('UPDATE feeds SET next_fetch_at = ?', [new Date(Date.now() - 1000).toISOString()]));
    const notModified = await phase();
    const articles = await withStore(location, countArticles);
    return { workers, first, notModified, articles, databaseBytesEmpty, databaseBytesAfter };
  } finally {
    // BENCH_SCALE_OUT_KEEP=1 keeps the database, to look inside it (EXPLAIN, pg_stat_user_tables) after the bench.
    if (process.env['BENCH_SCALE_OUT_KEEP'] === '1') console.error(`bench scale-out: kept ${location}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function withStore<T>(location: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(location);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

interface PhaseJob {
  context: RunContext;
  admin: pg.Client;
  serverCpu: ServerCpu | null;
  name: string;
  location: string;
  workers: number;
  scratch: string;
}

async function runPhase(job: PhaseJob): Promise<PhaseFigures> {
  const { context, admin, serverCpu, name, location, workers } = job;
  const requestsBefore = await context.requests();
  const lastRunBefore = (await withStore(location, (store) => recentRuns(store, 1)))[0]?.id ?? 0;
  const startedAt = new Date().toISOString();
  const connections = () => admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'wirefold-bench'", [name])
    .then((result) => Number(result.rows[0].n));
  let peakConnections = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakConnections = Math.max(peakConnections, await connections());
      await new Promise((resolve) => setTimeout(resolve, samplingMs));
    }
  })();

  const cpuBefore = serverCpu?.seconds() ?? null;
  const machineBefore = machineTicks();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['WIREFOLD_DB'];
  const args = ['--max-semi-space-size=16', join(context.repoRoot, 'scripts/wirefold.mjs'), 'ingest', '--allow-private-addresses', '--db', location];
  const started = performance.now();
  // Started together, as one cron line would start them on several machines.
  const results = await Promise.all(Array.from({ length: workers }, () => measureNode(args, env, job.scratch)));
  const wallMs = performance.now() - started;
  // A backend outlives its client's exit by a moment; its CPU counts once it has gone.
  const drainBy = Date.now() + drainTimeoutMs;
  while ((await connections()) > 0 && Date.now() < drainBy) await new Promise((resolve) => setTimeout(resolve, samplingMs));
  sampling = false;
  await sampler;
  const cpuAfter = serverCpu?.seconds() ?? null;
  const machineAfter = machineTicks();

  const requestsAfter = await context.requests();
  const perFeed = requestsAfter.map((count, index) => count - requestsBefore[index]!);
  const { runs, unrecorded } = await withStore(location, async (store) => ({
    runs: (await recentRuns(store, workers + 10)).filter((run) => run.stage === 'ingest' && run.id > lastRunBefore),
    unrecorded: (await listFeeds(store)).filter((feed) => !feed.lastFetchedAt || feed.lastFetchedAt < startedAt).length,
  }));
  const count = (counts: Record<string, unknown>, key: string) => Number(counts[key] ?? 0);
  const workerFeeds = runs.map((run) => count(run.counts, 'fetched') + count(run.counts, 'notModified'));
  return {
    wallMs,
    workerCpuS: results.map((result) => result.cpuS ?? NaN),
    workerFeeds,
    databaseCpuS: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    peakConnections,
    added: runs.reduce((sum, run) => sum + count(run.counts, 'added'), 0),
    check: {
      missed: perFeed.filter((n) => n === 0).length,
      duplicated: perFeed.filter((n) => n > 1).length,
      extraRequests: perFeed.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      unrecorded,
      failed: runs.reduce((sum, run) => sum + count(run.counts, 'failed'), 0),
      summed: runs.length === workers && workerFeeds.reduce((sum, n) => sum + n, 0) === context.feedUrls.length,
    },
  };
}

/** The check in one line: "every feed fetched exactly once" or what went wrong. */
export function describeCheck(check: ExactlyOnce, feeds: number): string {
  const problems = [
    check.missed ? `${check.missed} feeds never requested` : '',
    check.duplicated ? `${check.duplicated} feeds requested more than once (${check.extraRequests} extra requests)` : '',
    check.unrecorded ? `${check.unrecorded} feeds not recorded as fetched` : '',
    check.failed ? `${check.failed} fetches failed` : '',
    check.summed ? '' : 'the workers\' counts do not add up to the feed count',
  ].filter(Boolean);
  return problems.length ? `NOT exactly once: ${problems.join('; ')}` : `every one of ${feeds} feeds fetched exactly once, none missed`;
}
