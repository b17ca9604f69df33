// The cluster stage on a synthetic 30-day stream (bench/cluster/synthetic-stream.ts) with precomputed vectors: from
// scratch at 5k, 10k, 20k and 50k articles, then 500 new articles on top of the clustered 50k, then a run with nothing
// new on it. Each size's stream is written once (that is setup) and every timed run starts from a copy of that file;
// only clusterArticles() is timed.
// Medians of several runs are quoted, with CPU time beside wall time because a shared machine stretches wall time
// but not CPU time, and the median run's phases show where the time goes.
import type { SqliteStore } from '../../src/store/sqlite.ts';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import type { ClusterSummary } from '../../src/cluster/cluster-stage.ts';
import { scoreClustering } from '../../src/eval/metrics.ts';
import { syntheticModelId, syntheticStream, writeStream } from './synthetic-stream.ts';
import type { BenchRow } from '../run.ts';

const sizes = (process.env.BENCH_CLUSTER_SIZES ?? '5000,10000,20000,50000').split(',').map(Number);
const scratchRuns = Number(process.env.BENCH_CLUSTER_RUNS ?? 3);
const incrementalRuns = 5;
const newArticles = 500;
const days = 30;

interface Timed {
  wall: number;
  cpu: number;
  summary: ClusterSummary;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (measure: string, value: string) => rows.push({ benchmark: 'cluster', measure, value });
  // The stream's dates (and so its stories) follow the clock; BENCH_CLUSTER_NOW (ISO 8601) fixes it, so two versions
  // of the code can be compared story for story.
  const now = process.env.BENCH_CLUSTER_NOW ? new Date(process.env.BENCH_CLUSTER_NOW) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`BENCH_CLUSTER_NOW is not a date: ${process.env.BENCH_CLUSTER_NOW}`);
  const options = { modelId: syntheticModelId, topicSeeds: [], now };
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-cluster-'));
  try {
    let previous: { size: number; wall: number } | null = null;
    for (const size of sizes) {
      const written = join(folder, `stream-${size}.db`);
      const setup = await openStore(written);
      await writeStream(setup, syntheticStream(size, now.getTime() - days * 86400_000, days), now.toISOString());
      await setup.close();
      const runs: Timed[] = [];
      for (let index = 0; index < scratchRuns; index++) runs.push(await timedRun(written, join(folder, `scratch-${size}-${index}.db`), options));
      const median = medianRun(runs);
      const growth = previous ? `, ×${(median.wall / previous.wall).toFixed(2)} for ×${(size / previous.size).toFixed(1)} articles` : '';
      row(`from scratch, ${size} articles`, `${median.wall.toFixed(2)} s wall, ${median.cpu.toFixed(2)} s CPU, median of ${runs.length} (${median.summary.stories} stories${growth})${size === 50000 ? ` (target ≤ 8 s, speed issue; ≤ 10 s, story-quality issue; ratio ${(median.wall / 8).toFixed(2)} of 8 s)` : ''}`);
      row(`  its phases`, phases(median.summary.seconds));
      row(`  stories vs events`, await eventAgreement(join(folder, `scratch-${size}-0.db`)));
      previous = { size, wall: median.wall };
    }

    // 500 articles of the last six hours, each run on a fresh copy of the clustered largest stream.
    const largest = Math.max(...sizes);
    const clustered = join(folder, `scratch-${largest}-0.db`);
    const later = syntheticStream(newArticles, now.getTime() - 6 * 3600_000, 0.25, 99);
    // One run after another, as the scratch runs above: runs side by side would time each other.
    const runs: Timed[] = [];
    for (let index = 0; index < incrementalRuns; index++) {
      const copy = join(folder, `incremental-${index}.db`);
      copyFileSync(clustered, copy);
      const store = await openStore(copy);
      await writeStream(store, later, now.toISOString());
      await store.close();
      runs.push(await timedRun(copy, copy, options));
    }
    const median = medianRun(runs);
    row(`${newArticles} new articles on ${largest}`, `${median.wall.toFixed(2)} s wall, ${median.cpu.toFixed(2)} s CPU, median of ${runs.length} (${median.summary.changedStories} stories touched) (target ≤ 1 s; ratio ${median.wall.toFixed(2)})`);
    row(`  its phases`, phases(median.summary.seconds));

    // A run with nothing to place (issue 15: a stage with nothing to do returns without loading what it does not
    // need), on a copy of the clustered largest stream.
    const idle: Timed[] = [];
    for (let index = 0; index < incrementalRuns; index++) idle.push(await timedRun(clustered, join(folder, `nothing-new-${index}.db`), options));
    const quiet = medianRun(idle);
    row(`nothing new on ${largest}`, `${quiet.wall.toFixed(2)} s wall, ${quiet.cpu.toFixed(2)} s CPU, median of ${idle.length} (${quiet.summary.clustered} articles placed)`);
    row(`  its phases`, phases(quiet.summary.seconds));
    row('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}

/** Clusters a copy of `source` (or `source` itself when the paths agree) and keeps the result at `target`. */
async function timedRun(source: string, target: string, options: Parameters<typeof clusterArticles>[1]): Promise<Timed> {
  if (source !== target) copyFileSync(source, target);
  const store = await openStore(target);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await clusterArticles(store, options);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await store.close();
  return { wall, cpu: (used.user + used.system) / 1e6, summary };
}

/**
 * How well the stories match the stream's events (each synthetic headline ends with its event's number): at this
 * scale candidate limits and windows matter, which the small labelled sets cannot show.
 */
async function eventAgreement(file: string): Promise<string> {
  const store = await openStore(file);
  const rows = (store as SqliteStore).db.prepare('SELECT sa.story_id, a.title FROM story_articles sa JOIN articles a ON a.id = sa.article_id')
    .all() as { story_id: string; title: string }[];
  await store.close();
  const scores = scoreClustering(rows.map((row) => row.story_id), rows.map((row) => /\((\d+)\)$/.exec(row.title)?.[1] ?? row.title));
  const { precision, recall, f1 } = scores.bcubed;
  return `B-cubed P ${precision.toFixed(3)} R ${recall.toFixed(3)} F1 ${f1.toFixed(3)}, ${scores.clusters} stories for ${scores.goldClusters} events`;
}

function medianRun(runs: readonly Timed[]): Timed {
  return [...runs].sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)]!;
}

/** Where the stage's time went: reading, making stories, refreshing leads, topics, related stories. */
function phases(seconds: Record<string, number>): string {
  return Object.entries(seconds).map(([phase, value]) => `${phase} ${value.toFixed(2)} s`).join(', ');
}
