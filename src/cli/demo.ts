// `wirefold demo`: the whole pipeline on the bundled sample feeds, served on loopback so nothing leaves the machine.
// The demo has a store and an out dir of its own, and starts its store afresh each time so its result never depends
// on an earlier run; it deletes only a store that an earlier demo made (the store file says so, see demoStore).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { dropDemoStore, isDemoStore, markAsDemoStore, postgresSchemaIsEmpty } from '../store/demo-marker.ts';
import { withWriterLock, writerLockKey } from '../store/writer-lock.ts';
import { describeLocation, parseStoreLocation } from '../store/location.ts';
import { realPathOf, refuseForeignOutDir } from '../site/out-dir-guard.ts';
import { upsertFeed } from '../store/feeds.ts';
import { startSampleServer } from '../demo/sample-server.ts';
import { projectRoot } from '../paths.ts';
import { defaultPort, serveCommand } from './serve.ts';
import { seconds } from './progress.ts';
import { demoOutDir, demoStorePath } from './settings.ts';
import type { Settings } from './settings.ts';

export async function demoCommand(settings: Settings, serve: boolean, rebuild: (store: Store, settings: Settings) => Promise<number>): Promise<number> {
  const started = performance.now();
  const demo: Settings = {
    ...settings,
    storePath: settings.given.has('storePath') ? settings.storePath : demoStorePath,
    outDir: settings.given.has('outDir') ? settings.outDir : demoOutDir,
    // The sample feeds are served on 127.0.0.1, which the network policy refuses to anything but the demo.
    allowPrivateAddresses: true,
    demo: true,
  };
  // Checked now, before the samples are read, and again by the build.
  refuseForeignOutDir(realPathOf(demo.outDir), true);
  const body = async (store: Store) => {
    const samples = await startSampleServer(resolve(projectRoot, 'content/samples'));
    try {
      for (const url of samples.feedUrls) await upsertFeed(store, { url, tags: ['sample'] });
      console.log(`demo: serving ${samples.feedUrls.length} sample feeds on ${new URL(samples.feedUrls[0]!).host}`);
      return await rebuild(store, demo);
    } finally {
      await samples.close();
    }
  };
  const location = parseStoreLocation(demo.storePath);
  let code: number;
  if (location.kind === 'postgres') {
    // PostgreSQL: the demo's schema is wiped and made afresh, then the run holds the store's writer lock (an advisory lock).
    const { withAdvisoryLock } = await import('../store/postgres-lock.ts');
    const store = await demoStore(demo.storePath);
    try {
      code = await withAdvisoryLock(store, writerLockKey, 'demo', () => body(store));
    } finally {
      await store.close();
    }
  } else {
    // The demo starts its store, so its folder may not exist yet (data/ on a fresh clone); the lock file goes there.
    mkdirSync(dirname(resolve(demo.storePath)), { recursive: true });
    code = await withWriterLock(resolve(demo.storePath), 'demo', async () => {
      const store = await demoStore(demo.storePath);
      try {
        return await body(store);
      } finally {
        await store.close();
      }
    });
  }
  if (code !== 0) return code;
  console.log(`demo: site built in ${resolve(demo.outDir)} from ${describeLocation(parseStoreLocation(demo.storePath))} in ${seconds(started)}`);
  if (serve) return serveCommand(demo, defaultPort);
  console.log(`demo: preview it with "npx wirefold serve --out ${demo.outDir}" (or "wirefold demo --serve")`);
  return 0;
}

/**
 * A fresh demo store at `path`: an earlier demo's store there is deleted first (its file, or on PostgreSQL its
 * tables); anything else there is refused, so `wirefold demo --db data/wirefold.db` can never wipe a real store.
 */
async function demoStore(path: string): Promise<Store> {
  const location = parseStoreLocation(path);
  const taken = location.kind === 'sqlite' ? existsSync(path) : !(await postgresSchemaIsEmpty(location.url));
  if (taken) {
    if (!await isDemoStore(path)) {
      throw new Error(`refusing to use ${describeLocation(location)} for the demo: it is not a store an earlier demo made; name a new ${location.kind === 'sqlite' ? 'file' : 'database or schema'} with --db`);
    }
    if (location.kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    else await dropDemoStore(location.url);
  }
  const store = await openStore(path);
  await markAsDemoStore(store);
  return store;
}
