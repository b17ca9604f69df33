// The sample pipeline end to end (ingest over loopback, embed, cluster), three times on fresh stores: median times.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { createEmbedder } from '../../src/embed/transformers-embedder.ts';
import { embedArticles } from '../../src/embed/embed-stage.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { startSampleServer } from '../../src/demo/sample-server.ts';
import { projectRoot } from '../../src/paths.ts';
import type { BenchRow } from '../run.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchRow[]> {
  const embedder = await createEmbedder();
  const samples = await startSampleServer(resolve(projectRoot, 'content/samples'));
  const times = { ingest: [] as number[], embed: [] as number[], cluster: [] as number[] };
  let articles = 0;
  try {
    for (let round = 0; round < 3; round++) {
      const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-'));
      const store = await openStore(join(folder, 'bench.db'));
      for (const url of samples.feedUrls) await upsertFeed(store, { url });
      let started = performance.now();
      articles = (await ingestFeeds(store, { allowPrivateAddresses: true })).added // the samples are served on loopback;
      times.ingest.push(performance.now() - started);
      started = performance.now();
      await embedArticles(store, embedder);
      times.embed.push(performance.now() - started);
      started = performance.now();
      await clusterArticles(store, { modelId: embedder.id, topicSeeds: [] });
      times.cluster.push(performance.now() - started);
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  } finally {
    await samples.close();
  }
  return [
    { benchmark: 'pipeline', measure: 'sample articles', value: String(articles) },
    ...Object.entries(times).map(([stage, values]) => ({ benchmark: 'pipeline', measure: `${stage} median of 3`, value: `${median(values).toFixed(0)} ms` })),
    { benchmark: 'pipeline', measure: 'embed throughput', value: `${(articles / (median(times.embed) / 1000)).toFixed(0)} texts/s` },
  ];
}
