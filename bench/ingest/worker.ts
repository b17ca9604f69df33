// The ingesting process of the ingest benchmark, forked by index.ts so its memory is Wirefold's alone: a fresh store,
// the feed list, a first full run, then a forced run in which every feed answers 304. RSS is sampled throughout and
// checked against the kernel's high-water mark. Parent → child: { urls, concurrency, parseWorkers? }. Child → parent:
// WorkerResult. (index.ts may run another checkout's worker.ts with the same message, as the side-by-side baseline.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { countArticles, countNearCopies } from '../../src/store/articles.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { defaultFetchLimits } from '../../src/ingest/fetch.ts';
import type { IngestSummary } from '../../src/ingest/ingest.ts';

export interface RunFigures {
  ms: number;
  /** CPU time of this process (user + system) during the run. */
  cpuMs: number;
  summary: Omit<IngestSummary, 'failures'> & { failures: number; firstFailures: string[] };
}

export interface WorkerJob {
  urls: string[];
  concurrency: number;
  /** Overrides ingest's parse workers (default: its own). */
  parseWorkers?: number;
}

export interface WorkerResult {
  type: 'result';
  first: RunFigures;
  notModified: RunFigures;
  articles: number;
  nearCopies: number;
  /** Largest sampled RSS (with the V8 heap's size at that moment), and the kernel's peak (VmHWM, Linux only). */
  sampledPeakRss: number;
  heapAtPeak: number;
  kernelPeakRss: number | null;
  rssBeforeIngest: number;
}

// Orphaned (the orchestrator died): stop rather than ingest against a server that is gone.
let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

const { urls, concurrency, parseWorkers } = await new Promise<WorkerJob>((resolve) =>
  process.once('message', (message) => resolve(message as WorkerJob)));
const limits = { ...defaultFetchLimits, concurrency };

let sampledPeakRss = 0;
let heapAtPeak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss <= sampledPeakRss) return;
  sampledPeakRss = rss;
  heapAtPeak = process.memoryUsage().heapTotal;
};
const sampler = setInterval(sample, 10);

function kernelPeakRss(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function timed(force: boolean, store: Awaited<ReturnType<typeof openStore>>): Promise<RunFigures> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await ingestFeeds(store, { force, limits, allowPrivateAddresses: true, parseWorkers }); // the bench server is on loopback
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  sample();
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    summary: { ...summary, failures: summary.failures.length, firstFailures: summary.failures.slice(0, 3).map((f) => `${f.url}: ${f.error}`) },
  };
}

const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-ingest-'));
try {
  const store = await openStore(join(folder, 'bench.db'));
  await store.transaction(async () => {
    for (const url of urls) await upsertFeed(store, { url });
  });
  sample();
  const rssBeforeIngest = process.memoryUsage.rss();
  const first = await timed(false, store);
  const notModified = await timed(true, store);
  const articles = await countArticles(store);
  const nearCopies = await countNearCopies(store);
  await store.close();
  clearInterval(sampler);
  const result: WorkerResult = {
    type: 'result', first, notModified, articles, nearCopies, sampledPeakRss, heapAtPeak, kernelPeakRss: kernelPeakRss(), rssBeforeIngest,
  };
  process.send?.(result);
} finally {
  clearInterval(sampler);
  rmSync(folder, { recursive: true, force: true });
}
finished = true;
process.disconnect?.();
