// A rebuild with nothing new, and start-up: the real `wirefold rebuild` on a store of the sample feeds (ingested over
// loopback, embedded, clustered and built once), then run again, each run in a child process under /usr/bin/time: the
// sample server sends no caching hint, so every feed is fetched again and answers 304 Not Modified (the usual
// scheduled run of a site with nothing new); and `wirefold --help`. Targets (issue 15): a rebuild with nothing new ≤ 1.0 s of CPU
// and ≤ 250 MB peak RSS; `wirefold --help` ≤ 0.3 s of CPU. Medians of BENCH_REBUILD_ROUNDS (default 5) runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { startSampleServer } from '../../src/demo/sample-server.ts';
import { projectRoot } from '../../src/paths.ts';
import { againstTarget, measureNode, median, nodeOutput } from '../child-figures.ts';
import type { ChildFigures } from '../child-figures.ts';
import type { BenchRow } from '../run.ts';

const TARGET = { rebuildCpuS: 1.0, rebuildPeakMb: 250, helpCpuS: 0.3 };
// As `npm run rebuild` starts it (package.json).
const wirefold = ['--max-semi-space-size=16', resolve(projectRoot, 'scripts/wirefold.mjs')];

export async function run(): Promise<BenchRow[]> {
  const rounds = Math.max(1, Number(process.env['BENCH_REBUILD_ROUNDS'] ?? 5));
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-rebuild-'));
  const samples = await startSampleServer(resolve(projectRoot, 'content/samples'));
  try {
    const storePath = join(folder, 'store.db');
    const store = await openStore(storePath);
    for (const url of samples.feedUrls) await upsertFeed(store, { url });
    await store.close();
    const rebuild = [...wirefold, 'rebuild', '--db', storePath, '--out', join(folder, 'site'), '--allow-private-addresses'];
    const env = { ...process.env, NO_COLOR: '1' };
    const first = await measureNode(rebuild, env, folder);
    console.error(`bench rebuild: first rebuild (everything new) ${(first.ms / 1000).toFixed(1)} s`);
    // What each stage said when there was nothing new (the site must say it is up to date).
    const said = (await nodeOutput(rebuild, env)).trim().split('\n');

    const nothingNew: ChildFigures[] = [];
    const help: ChildFigures[] = [];
    for (let round = 0; round < rounds; round++) {
      nothingNew.push(await measureNode(rebuild, env, folder));
      help.push(await measureNode([...wirefold, '--help'], env, folder));
    }
    const cpu = (figures: ChildFigures[]) => median(figures.map((figure) => figure.cpuS ?? Number.NaN));
    const row = (measure: string, value: string): BenchRow => ({ benchmark: 'rebuild', measure, value });
    return [
      row('store', `the ${samples.feedUrls.length} sample feeds, first rebuild ${(first.ms / 1000).toFixed(1)} s, ${first.cpuS?.toFixed(1)} s CPU`),
      row('nothing new: stages said', said.map((line) => line.replace(/ \(\d.*\)$/, '').replace(/ in \/\S+/, '')).join(' | ')),
      row(`nothing new: CPU, median of ${rounds}`, againstTarget(cpu(nothingNew), TARGET.rebuildCpuS, 's')),
      row(`nothing new: peak RSS, median of ${rounds}`, againstTarget(median(nothingNew.map((figure) => figure.peakRssMb ?? Number.NaN)), TARGET.rebuildPeakMb, 'MB', 0)),
      row(`nothing new: wall, median of ${rounds}`, `${(median(nothingNew.map((figure) => figure.ms)) / 1000).toFixed(2)} s`),
      row(`--help: CPU, median of ${rounds}`, againstTarget(cpu(help), TARGET.helpCpuS, 's')),
    ];
  } finally {
    await samples.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
