// `wirefold demo`: the whole pipeline on the bundled sample feeds, served on loopback so nothing leaves the machine.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { upsertFeed } from '../store/feeds.ts';
import { startSampleServer } from '../demo/sample-server.ts';
import { projectRoot } from '../paths.ts';
import { serveCommand } from './serve.ts';
import { seconds } from './progress.ts';
import type { Settings } from './settings.ts';

export const demoStorePath = 'data/demo.db';

export async function demoCommand(settings: Settings, serve: boolean, rebuild: (store: Store, settings: Settings) => Promise<void>): Promise<number> {
  const started = performance.now();
  // The demo's own store, started fresh each time so its result never depends on an earlier run.
  const storePath = settings.storePath === 'data/wirefold.db' ? demoStorePath : settings.storePath;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${storePath}${suffix}`, { force: true });

  const samples = await startSampleServer(resolve(projectRoot, 'content/samples'));
  const store = openStore(storePath);
  try {
    for (const url of samples.feedUrls) upsertFeed(store, { url, tags: ['sample'] });
    console.log(`demo: serving ${samples.feedUrls.length} sample feeds on ${new URL(samples.feedUrls[0]!).host}`);
    await rebuild(store, { ...settings, storePath, allowPrivateAddresses: true }); // the samples are served on loopback
  } finally {
    store.close();
    await samples.close();
  }
  console.log(`demo: site built in ${resolve(settings.outDir)} from ${storePath} in ${seconds(started)}`);
  if (serve) return serveCommand(settings, 4321);
  console.log('demo: preview it with "npm run wirefold -- serve" (or "wirefold demo --serve")');
  return 0;
}
