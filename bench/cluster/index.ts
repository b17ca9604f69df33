// The cluster stage on a synthetic 30-day stream (bench/cluster/synthetic-stream.ts) with precomputed vectors: from
// scratch at 5k, 10k, 20k and 50k articles, then 500 new articles on top of the clustered 50k. Each size runs on its
// own fresh store; only clusterArticles() is timed (writing the store is setup). CPU time is printed beside wall time
// because a shared machine stretches wall time but not CPU time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { syntheticModelId, syntheticStream, writeStream } from './synthetic-stream.ts';
import type { BenchRow } from '../run.ts';

const sizes = (process.env.BENCH_CLUSTER_SIZES ?? '5000,10000,20000,50000').split(',').map(Number);
const newArticles = 500;
const days = 30;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (measure: string, value: string) => rows.push({ benchmark: 'cluster', measure, value });
  const now = new Date();
  const start = now.getTime() - days * 86400_000;
  let previous: { size: number; seconds: number } | null = null;
  for (const size of sizes) {
    const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-cluster-'));
    try {
      const largest = size === Math.max(...sizes);
      // The stream for the largest size also carries the 500 later articles, published in the last hours.
      const stream = syntheticStream(size, start, days);
      const store = openStore(join(folder, 'bench.db'));
      writeStream(store, stream, now.toISOString());
      const options = { modelId: syntheticModelId, topicSeeds: [], now };
      let started = performance.now();
      let cpu = process.cpuUsage();
      const summary = clusterArticles(store, options);
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = () => (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
      const growth = previous ? `, ×${(seconds / previous.seconds).toFixed(2)} for ×${(size / previous.size).toFixed(1)} articles` : '';
      row(`from scratch, ${size} articles`, `${seconds.toFixed(2)} s wall, ${cpuSeconds().toFixed(2)} s CPU (${summary.stories} stories${growth})${largest ? ' (target ≤ 10 s)' : ''}`);
      previous = { size, seconds };
      if (largest) {
        const later = syntheticStream(newArticles, now.getTime() - 6 * 3600_000, 0.25, 99);
        writeStream(store, later, now.toISOString());
        started = performance.now();
        cpu = process.cpuUsage();
        const added = clusterArticles(store, options);
        row(`${newArticles} new articles on ${size}`, `${((performance.now() - started) / 1000).toFixed(2)} s wall, ${cpuSeconds().toFixed(2)} s CPU (${added.changedStories} stories touched) (target ≤ 1 s)`);
        row('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
      }
      store.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  return rows;
}
