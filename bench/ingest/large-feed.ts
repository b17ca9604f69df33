// One feed with many items (5k, 10k, 50k), fetched over loopback and stored through the real ingest stage, each size in
// a fresh process so its peak RSS is its own. Issue 13's target: 50,000 items stored in ≤ 10 s, growth near-linear.
// Runs alone with `node bench/ingest/large-feed.ts [sizes]`; bench/ingest/index.ts adds its rows to the ingest table.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../run.ts';

const SIZES = [5_000, 10_000, 50_000];
const TARGET_S = 10;

export interface LargeFeedFigures {
  items: number;
  bytes: number;
  ms: number;
  cpuMs: number;
  peakRssBytes: number;
  added: number;
}

/** A compact RSS 2.0 feed of `items` items, newest first, each with its own title, link, guid and date. */
export function largeFeed(items: number): string {
  const parts: string[] = [];
  const newest = Date.UTC(2026, 10, 1);
  for (let item = 0; item < items; item++) {
    const date = new Date(newest - item * 60_000).toUTCString();
    // About 130 bytes an item, so 50,000 items stay under the fetcher's 10 MB cap.
    parts.push(`<item><title>Report ${item} &amp; more</title><link>https://big.example/r/${item}</link>` +
      `<guid>b${item}</guid><pubDate>${date}</pubDate></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Big archive</title>` +
    `<link>https://big.example/</link>\n${parts.join('\n')}\n</channel></rss>\n`;
}

/** In the child: serve the feed on loopback, ingest it into a fresh store, report the figures. */
async function measureOne(items: number): Promise<LargeFeedFigures> {
  const { openStore } = await import('../../src/store/store.ts');
  const { upsertFeed } = await import('../../src/store/feeds.ts');
  const { ingestFeeds } = await import('../../src/ingest/ingest.ts');
  const body = Buffer.from(largeFeed(items));
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-large-feed-'));
  try {
    const store = await openStore(join(folder, 'large.db'));
    await upsertFeed(store, { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/feed.xml` });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const summary = await ingestFeeds(store, { allowPrivateAddresses: true }); // the bench server is on loopback
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await store.close();
    if (summary.failures.length) throw new Error(summary.failures.map((failure) => failure.error).join('; '));
    return { items, bytes: body.length, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024, added: summary.added };
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Each size in its own process, smallest first. */
export async function measureLargeFeeds(sizes: readonly number[] = SIZES): Promise<LargeFeedFigures[]> {
  const figures: LargeFeedFigures[] = [];
  for (const items of sizes) {
    const child = fork(fileURLToPath(import.meta.url), ['--one', String(items)], {
      execArgv: [...process.execArgv, '--max-semi-space-size=16'], // as scripts/wirefold.mjs runs
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    figures.push(await new Promise<LargeFeedFigures>((resolve, reject) => {
      child.once('message', (message) => resolve(message as LargeFeedFigures));
      child.once('exit', (code) => reject(new Error(`large-feed worker for ${items} items exited (${code}) before answering`)));
    }));
  }
  return figures;
}

export function largeFeedRows(figures: readonly LargeFeedFigures[]): BenchRow[] {
  const first = figures[0];
  return figures.map((figure) => ({
    benchmark: 'ingest',
    measure: `one feed of ${figure.items.toLocaleString('en')} items`,
    value: `${(figure.ms / 1000).toFixed(2)} s (CPU ${(figure.cpuMs / 1000).toFixed(2)} s; ` +
      `${first ? `${(figure.ms / first.ms).toFixed(1)}× the time for ${(figure.items / first.items).toFixed(0)}× the items; ` : ''}` +
      `${(figure.bytes / 1048576).toFixed(1)} MB; peak RSS ${(figure.peakRssBytes / 1048576).toFixed(0)} MB; ${figure.added} added` +
      `${figure.items === 50_000 ? `; target ${TARGET_S} s` : ''})`,
  }));
}

if (process.argv[2] === '--one') {
  const figures = await measureOne(Number(process.argv[3]));
  process.send!(figures, () => process.exit(0));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv[2] ? process.argv[2].split(',').map(Number) : SIZES;
  for (const row of largeFeedRows(await measureLargeFeeds(sizes))) console.log(`${row.measure}: ${row.value}`);
}
