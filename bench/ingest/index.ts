// Ingest at scale: 2,000 feeds × 25 items from a loopback server with 20–100 ms of latency per response, through the
// real fetcher, parser and store. A first full run on a fresh store, then a forced run in which every feed answers 304.
// Targets (issue): first run ≤ 30 s, 304 run ≤ 5 s, peak memory ≤ 400 MB, on a 2-core machine.
// Then one feed of 5k, 10k and 50k items (large-feed.ts; issue 13: 50k stored in ≤ 10 s, near-linear growth).
//
// Three processes: this one only orchestrates; server.ts serves the feeds (its CPU and memory are not Wirefold's);
// worker.ts is the ingesting process, fresh, so its peak RSS is Wirefold's alone whatever else the runner loaded.
// BENCH_INGEST_CPU_PROF=<dir> writes a V8 CPU profile of the ingesting process there (node --cpu-prof);
// BENCH_INGEST_CONCURRENCY=<n> overrides the global fetch concurrency (default: the fetcher's own) for what-if runs.
// The machine this runs on may be shared: the ingest process's CPU time and a fixed reference workload are printed
// so that a slow run can be told apart from a slow machine.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultFetchLimits } from '../../src/ingest/fetch.ts';
import { generateFeed, latencyMs, wireCopies } from './feeds.ts';
import type { ServerReady, ServerStats } from './server.ts';
import type { RunFigures, WorkerResult } from './worker.ts';
import type { BenchRow } from '../run.ts';
import { largeFeedRows, measureLargeFeeds } from './large-feed.ts';

const FEEDS = 2000;
const ITEMS = 25;
const HOSTS = 200;
const TARGET = { firstS: 30, notModifiedS: 5, peakMb: 400 };
const SERVER_READY_MS = 60_000;
const WORKER_DONE_MS = 150_000;

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** The next message from child that passes accept, or an error if it exits or time runs out first. */
function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (message: unknown) => {
      if (accept(message)) finish(null, message as T);
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`${what}: exited (${signal ?? code}) before answering`));
    const finish = (error: Error | null, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

const isType = (type: string) => (message: unknown) => (message as { type?: string } | null)?.type === type;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => bytes / 1048576;

/** A fixed pure-JavaScript workload (generating 300 feeds), best of three: how fast this machine is right now. */
function referenceMs(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let feed = 0; feed < 300; feed++) generateFeed(feed, ITEMS);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export async function run(): Promise<BenchRow[]> {
  const concurrency = Number(process.env['BENCH_INGEST_CONCURRENCY'] ?? defaultFetchLimits.concurrency);
  const env = { ...process.env, BENCH_FEEDS: String(FEEDS), BENCH_ITEMS: String(ITEMS), BENCH_HOSTS: String(HOSTS) };
  const server = fork(here('./server.ts'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let worker: ChildProcess | null = null;
  try {
    const ready = await nextMessage<ServerReady>(server, isType('ready'), SERVER_READY_MS, 'feed server');
    const reference = referenceMs();
    const profileDir = process.env['BENCH_INGEST_CPU_PROF'];
    worker = fork(here('./worker.ts'), [], {
      // The flag scripts/wirefold.mjs runs with, so the peak RSS is what the command reaches.
      execArgv: [...process.execArgv, '--max-semi-space-size=16', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const done = nextMessage<WorkerResult>(worker, isType('result'), WORKER_DONE_MS, 'ingest worker');
    worker.send({ urls: ready.urls, concurrency });
    const result = await done;
    server.send('stats');
    const stats = await nextMessage<ServerStats>(server, isType('stats'), 10_000, 'feed server');
    const largeFeeds = largeFeedRows(await measureLargeFeeds());
    return [...rows(ready, result, stats, concurrency, reference), ...largeFeeds];
  } finally {
    // The worker leaves by itself once it has answered (and writes its CPU profile on the way out); give it a moment.
    if (worker) await exited(worker, 10_000);
    server.kill();
  }
}

function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill(), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function rows(ready: ServerReady, result: WorkerResult, stats: ServerStats, concurrency: number, reference: number): BenchRow[] {
  const { first, notModified } = result;
  const items = first.summary.added + first.summary.updated + first.summary.unchanged;
  const peak = Math.max(result.sampledPeakRss, result.kernelPeakRss ?? 0);
  // The run can go no faster than the server answers: total latency spread over the global concurrency limit.
  let latencyTotal = 0;
  for (let feed = 0; feed < FEEDS; feed++) latencyTotal += latencyMs(feed);
  const floorMs = latencyTotal / concurrency;
  const limit = `global concurrency ${concurrency}${concurrency === defaultFetchLimits.concurrency ? '' : ` (not the default ${defaultFetchLimits.concurrency})`}`;
  const outcome = (figures: RunFigures) => {
    const s = figures.summary;
    return `${s.fetched} fetched, ${s.notModified} not modified, ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ` +
      `${s.failures} failed${s.firstFailures.length ? ` (${s.firstFailures.join('; ')})` : ''}`;
  };
  const row = (measure: string, value: string): BenchRow => ({ benchmark: 'ingest', measure, value });
  return [
    row('feeds × items', `${FEEDS} × ${ITEMS} over ${HOSTS} loopback hosts, 20–100 ms latency; ` +
      `${mb(ready.bodyBytes).toFixed(0)} MB of XML (${mb(ready.gzipBytes).toFixed(0)} MB gzipped)`),
    row('first run', `${seconds(first.ms)} (${(first.ms / 1000 / TARGET.firstS * 100).toFixed(0)} % of the ${TARGET.firstS} s target)`),
    row('first run items/s', `${(items / (first.ms / 1000)).toFixed(0)} items/s`),
    row('first run CPU', `${seconds(first.cpuMs)} (${(first.cpuMs / first.ms * 100).toFixed(0)} % of one core)`),
    row('first run outcome', outcome(first)),
    row('304 run', `${seconds(notModified.ms)} (${(notModified.ms / 1000 / TARGET.notModifiedS * 100).toFixed(0)} % of the ${TARGET.notModifiedS} s target)`),
    row('304 run CPU', seconds(notModified.cpuMs)),
    row('304 run outcome', outcome(notModified)),
    row('latency floor per run', `${seconds(floorMs)} (Σ latency / ${limit})`),
    row('peak RSS', `${mb(peak).toFixed(0)} MB (${(mb(peak) / TARGET.peakMb * 100).toFixed(0)} % of the ${TARGET.peakMb} MB target; ` +
      `${mb(result.rssBeforeIngest).toFixed(0)} MB before ingest, V8 heap ${mb(result.heapAtPeak).toFixed(0)} MB at the sampled peak)`),
    row('articles stored', String(result.articles)),
    row('near copies marked', `${result.nearCopies} (the feeds carry ${wireCopies(FEEDS, ITEMS)} wire copies of another outlet's item)`),
    row('server answers', `${stats.ok} × 200, ${stats.notModified} × 304, ${stats.other} other; server CPU ${seconds(stats.cpuMs)}`),
    row('machine reference', `${reference.toFixed(0)} ms to generate 300 feeds (compare across runs)`),
  ];
}
