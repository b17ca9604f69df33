// Ingest beyond one process (issue 16): N real `wirefold ingest` workers (default 1, 2 and 4) started together against
// one PostgreSQL database, fetching BENCH_SCALE_OUT_FEEDS feeds (default 5,000 × 25 items) from bench/ingest's loopback
// feed server (20–100 ms latency per answer, Cache-Control max-age=900: a 15-minute interval). Per N: wall time until
// the last worker is done, feeds/s in total and per worker, items/s, each worker's CPU, the database server's CPU and
// its share of the CPU the run used, peak connections, database size and bytes per item, and a check that every feed
// was fetched exactly once; then the same workers once more with every feed due again, all answering 304.
// BENCH_SCALE_OUT_ROUNDS (default 3) rounds, N alternating within a round, medians printed.
//
// PostgreSQL: the server WIREFOLD_TEST_POSTGRES names, or one .ci/postgres.sh starts (and stops); without either the
// bench skips and says why. Its CPU is read from /proc, so it counts only when the server runs on this machine.
// The figures are for the "Scaling out" arithmetic in docs/scaling.md: the machine has 2 cores, so beyond 2 workers
// the total cannot grow here; feeds per worker-CPU-second is the figure that carries to a larger machine.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { appendFileSync } from 'node:fs';
import type { BenchRow } from '../run.ts';
import { isType, median, nextMessage } from '../child-figures.ts';
import type { ServerReady, ServerStats } from '../ingest/server.ts';
import { obtainPostgres } from './postgres.ts';
import { describeCheck, measureWorkers } from './round.ts';
import type { PhaseFigures, WorkersRun } from './round.ts';

const ITEMS = 25;
const HOSTS = 200;
/** A 15-minute interval, the README's deployment: a feed fetched by one worker is not due again for another. */
const MAX_AGE_SECONDS = 900;
const SERVER_READY_MS = 120_000;
/** Per measured run (both phases, all workers): the feed server outlives every run by at most this each. */
const RUN_BUDGET_MS = 20 * 60_000;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ScaleOutOptions {
  feeds: number;
  items: number;
  workerCounts: number[];
  rounds: number;
  /** Cache-Control max-age of the feed server's answers (0: none). */
  maxAgeSeconds: number;
  /** Another checkout whose `wirefold ingest` the workers run (BENCH_SCALE_OUT_CHECKOUT), to measure a baseline. */
  checkout?: string;
  /** Called after each measured run, for progress lines. */
  onRun?: (run: WorkersRun, round: number) => void;
}

export interface ScaleOutResult {
  skipped: string | null;
  postgres: string;
  runs: WorkersRun[];
  /** Load average (1/5/15 min) before and after. */
  load: number[][];
  server: { bodyBytes: number; gzipBytes: number; cpuMs: number };
}

/** Reads the bench's settings from BENCH_SCALE_OUT_FEEDS, _ITEMS, _WORKERS (a list: 1,2,4), _ROUNDS, _MAX_AGE and _CHECKOUT. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ScaleOutOptions {
  const number = (key: string, fallback: number) => {
    const value = Number(env[key] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${key}: expected a whole number, got ${env[key]}`);
    return value;
  };
  const workerCounts = (env['BENCH_SCALE_OUT_WORKERS'] ?? '1,2,4').split(',').map((text) => Number(text.trim()));
  if (workerCounts.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new Error(`BENCH_SCALE_OUT_WORKERS: expected worker counts like 1,2,4, got ${env['BENCH_SCALE_OUT_WORKERS']}`);
  }
  return {
    feeds: Math.max(1, number('BENCH_SCALE_OUT_FEEDS', 5000)),
    items: Math.max(1, number('BENCH_SCALE_OUT_ITEMS', ITEMS)),
    workerCounts,
    rounds: Math.max(1, number('BENCH_SCALE_OUT_ROUNDS', 3)),
    maxAgeSeconds: number('BENCH_SCALE_OUT_MAX_AGE', MAX_AGE_SECONDS),
    ...(env['BENCH_SCALE_OUT_CHECKOUT'] ? { checkout: env['BENCH_SCALE_OUT_CHECKOUT'] } : {}),
  };
}

/**
 * Runs the whole measurement: a PostgreSQL (see obtainPostgres), the feed server, and per round each worker count in
 * turn on a fresh database. Resolves with skipped set (and no runs) when no PostgreSQL can be had.
 */
export async function measureScaleOut(options: ScaleOutOptions): Promise<ScaleOutResult> {
  const postgres = await obtainPostgres(repoRoot);
  if ('skip' in postgres) return { skipped: postgres.skip, postgres: '', runs: [], load: [], server: { bodyBytes: 0, gzipBytes: 0, cpuMs: 0 } };
  const lifetimeMs = 60_000 + options.rounds * options.workerCounts.length * RUN_BUDGET_MS;
  const server = fork(fileURLToPath(new URL('../ingest/server.ts', import.meta.url)), [], {
    env: { ...process.env, BENCH_FEEDS: String(options.feeds), BENCH_ITEMS: String(options.items), BENCH_HOSTS: String(Math.min(HOSTS, options.feeds)),
      BENCH_MAX_AGE_SECONDS: String(options.maxAgeSeconds), BENCH_SERVER_LIFETIME_MS: String(lifetimeMs),
      // One host per address: the workers lease hosts by hostname, so 200 ports of 127.0.0.1 would be one host.
      BENCH_HOST_ADDRESSES: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await nextMessage<ServerReady>(server, isType('ready'), SERVER_READY_MS, 'feed server');
    const stats = () => {
      server.send('stats');
      return nextMessage<ServerStats>(server, isType('stats'), 30_000, 'feed server');
    };
    const runs: WorkersRun[] = [];
    const loadBefore = loadavg();
    const unique = `${process.pid}_${Date.now().toString(36)}`;
    for (let round = 0; round < options.rounds; round++) {
      for (const workers of options.workerCounts) {
        const run = await measureWorkers({
          adminUrl: postgres.url, feedUrls: ready.urls, repoRoot: options.checkout ?? repoRoot, label: `${unique}_r${round}_n${workers}`,
          requests: async () => (await stats()).requests,
        }, workers);
        runs.push(run);
        options.onRun?.(run, round);
      }
    }
    const loadAfter = loadavg();
    const { cpuMs } = await stats();
    return { skipped: null, postgres: postgres.origin, runs, load: [loadBefore, loadAfter], server: { bodyBytes: ready.bodyBytes, gzipBytes: ready.gzipBytes, cpuMs } };
  } finally {
    await stopChild(server);
    await postgres.stop();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/** The figures of one phase that the table prints, each a median over rounds. */
export interface PhaseMedians {
  wallS: number;
  feedsPerS: number;
  feedsPerWorkerS: number;
  itemsPerS: number;
  workerCpuS: number;
  /** Feeds per CPU-second of one worker (its feeds over its own CPU time): what a worker does on a core of its own. */
  feedsPerWorkerCpuS: number;
  databaseCpuS: number | null;
  /** The database server's CPU as a share of the run's (workers' + server's). */
  databaseShare: number | null;
  /** Database CPU milliseconds per feed. */
  databaseMsPerFeed: number | null;
  peakConnections: number;
  machineBusy: number;
  /** Fewest and most feeds one worker took, as shares of an even split (1 = even), in the median's round. */
  balance: [number, number];
}

export function phaseMedians(phases: PhaseFigures[], feeds: number, items: number): PhaseMedians {
  const of = (pick: (phase: PhaseFigures) => number) => median(phases.map(pick));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const database = phases.every((phase) => phase.databaseCpuS !== null);
  const workers = phases[0]!.workerCpuS.length;
  const even = feeds / workers;
  return {
    wallS: of((phase) => phase.wallMs / 1000),
    feedsPerS: of((phase) => feeds / (phase.wallMs / 1000)),
    feedsPerWorkerS: of((phase) => feeds / workers / (phase.wallMs / 1000)),
    itemsPerS: of((phase) => items / (phase.wallMs / 1000)),
    workerCpuS: of((phase) => sum(phase.workerCpuS)),
    feedsPerWorkerCpuS: of((phase) => feeds / sum(phase.workerCpuS)),
    databaseCpuS: database ? of((phase) => phase.databaseCpuS!) : null,
    databaseShare: database ? of((phase) => phase.databaseCpuS! / (phase.databaseCpuS! + sum(phase.workerCpuS))) : null,
    databaseMsPerFeed: database ? of((phase) => phase.databaseCpuS! * 1000 / feeds) : null,
    peakConnections: Math.max(...phases.map((phase) => phase.peakConnections)),
    machineBusy: of((phase) => phase.machineBusy),
    balance: [of((phase) => Math.min(...phase.workerFeeds) / even), of((phase) => Math.max(...phase.workerFeeds) / even)],
  };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

export async function run(): Promise<BenchRow[]> {
  const options = optionsFromEnvironment();
  // BENCH_SCALE_OUT_LOG=<file>: each measured run's raw figures as one JSON line, kept should a long bench be cut short.
  const log = process.env['BENCH_SCALE_OUT_LOG'];
  const result = await measureScaleOut({
    ...options,
    onRun: (run, round) => {
      if (log) appendFileSync(log, `${JSON.stringify({ round, load: loadavg(), ...run })}\n`);
      progressLine(run, round);
    },
  });
  return rows(options, result);

  function progressLine(run: WorkersRun, round: number): void {
    console.error(`bench scale-out: round ${round + 1}/${options.rounds}, ${run.workers} worker(s): ` +
      `first fetch ${fixed(run.first.wallMs / 1000)} s (workers ${fixed(run.first.workerCpuS.reduce((a, b) => a + b, 0))} s CPU, ` +
      `database ${fixed(run.first.databaseCpuS ?? NaN)} s), 304 round ${fixed(run.notModified.wallMs / 1000)} s; ` +
      `${describeCheck(run.first.check, options.feeds)} / ${describeCheck(run.notModified.check, options.feeds)}; load ${fixed(loadavg()[0]!, 2)}`);
  }
}

export function rows(options: ScaleOutOptions, result: ScaleOutResult): BenchRow[] {
  const row = (measure: string, value: string): BenchRow => ({ benchmark: 'scale-out', measure, value });
  if (result.skipped) {
    console.error(`bench scale-out: skipped: ${result.skipped}`);
    return [row('skipped', result.skipped)];
  }
  const { feeds } = options;
  const items = feeds * options.items;
  const mb = (bytes: number) => bytes / 1048576;
  const out: BenchRow[] = [
    row('setup', `${feeds} feeds × ${options.items} items over ${Math.min(HOSTS, feeds)} loopback hosts (127.0.0.2 on), 20–100 ms latency, ` +
      `max-age ${options.maxAgeSeconds} s; ${fixed(mb(result.server.bodyBytes), 0)} MB of XML (${fixed(mb(result.server.gzipBytes), 0)} MB gzipped); ` +
      `PostgreSQL from ${result.postgres}; ${options.rounds} round(s), medians${options.checkout ? `; workers run ${options.checkout}` : ''}`),
    row('load average', `${result.load[0]!.map((value) => fixed(value, 2)).join(' ')} before, ` +
      `${result.load[1]!.map((value) => fixed(value, 2)).join(' ')} after (1/5/15 min; 2 cores)`),
  ];
  for (const workers of options.workerCounts) {
    const runs = result.runs.filter((run) => run.workers === workers);
    for (const [phase, pick] of [['first fetch', (run: WorkersRun) => run.first], ['304 round', (run: WorkersRun) => run.notModified]] as const) {
      const m = phaseMedians(runs.map(pick), feeds, phase === 'first fetch' ? items : 0);
      const database = m.databaseCpuS === null ? 'database CPU unknown (server not on this machine)'
        : `database ${fixed(m.databaseCpuS)} s CPU (${fixed(m.databaseShare! * 100, 0)} % of the run's CPU, ${fixed(m.databaseMsPerFeed!, 2)} ms per feed)`;
      out.push(row(`${workers} worker(s), ${phase}`, `${fixed(m.wallS)} s wall, ${fixed(m.feedsPerS)} feeds/s (${fixed(m.feedsPerWorkerS)} per worker)` +
        (phase === 'first fetch' ? `, ${fixed(m.itemsPerS, 0)} items/s` : '') +
        `; workers ${fixed(m.workerCpuS)} s CPU in all, ${fixed(m.feedsPerWorkerCpuS)} feeds per worker-CPU-second; ${database}; ` +
        `peak ${m.peakConnections} connections; feeds per worker ${fixed(m.balance[0], 2)}–${fixed(m.balance[1], 2)}× an even split; ` +
        `machine ${fixed(m.machineBusy * 100, 0)} % busy`));
    }
    const checks = runs.flatMap((run) => [run.first.check, run.notModified.check]);
    const failing = checks.find((check) => describeCheck(check, feeds).startsWith('NOT'));
    out.push(row(`${workers} worker(s), exactly once`, failing ? `${describeCheck(failing, feeds)} (in ${checks.filter((check) => describeCheck(check, feeds).startsWith('NOT')).length} of ${checks.length} phases)`
      : `${describeCheck(checks[0]!, feeds)}, in all ${checks.length} phases (first fetch and 304 round of every round)`));
    const bytesPerItem = median(runs.map((run) => (run.databaseBytesAfter - run.databaseBytesEmpty) / Math.max(1, run.articles)));
    out.push(row(`${workers} worker(s), database`, `${fixed(mb(median(runs.map((run) => run.databaseBytesAfter))))} MB after the first fetch ` +
      `(${fixed(mb(median(runs.map((run) => run.databaseBytesEmpty))))} MB with the feed list only), ${median(runs.map((run) => run.articles))} articles ` +
      `of ${items} items, ${fixed(bytesPerItem, 0)} bytes per article`));
  }
  out.push(row('feed server CPU', `${fixed(result.server.cpuMs / 1000)} s over all runs (not Wirefold's)`));
  return out;
}
