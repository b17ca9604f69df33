// The fetcher against hostile and unusual servers on loopback: slow-drip and endless bodies, a server that accepts TCP
// but never answers, one whose accept queue is full (a real connect timeout), a feed slow to parse (the per-feed parse
// budget), and deflate / br / unknown / wrong encodings.
// Limits are set small through the ingest options so each case ends in well under a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { createServer as createTcpServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { brotliCompressSync, deflateRawSync, deflateSync, createGzip } from 'node:zlib';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { listFeeds, upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { defaultFetchLimits, fetchFeed } from '../../src/ingest/fetch.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';
import { listenOnLoopback } from './loopback.ts';
import { fixture } from './load.ts';

// The test servers listen on 127.0.0.1, which the default network policy refuses.
const loopback = { allowPrivateAddresses: true };

const rss = (name: string, items: number) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${name}</title>
${Array.from({ length: items }, (_, index) => `<item><title>${name} story ${index}</title><link>https://${name}.example/${index}</link>
<description>Body of ${name} story ${index}, long enough to read.</description></item>`).join('\n')}</channel></rss>`;

const MAX_BYTES = 256 * 1024;

let server: Server;
let base: string;
/** Bytes the endless routes managed to write before the client hung up. */
const written = { endless: 0, endlessGzip: 0 };

/** Writes into target forever, as fast as the client reads, until the client closes the connection. */
function endless(response: ServerResponse, target: Writable, chunk: Buffer, count: (bytes: number) => void): void {
  let open = true;
  response.on('close', () => (open = false));
  const pump = () => {
    while (open) {
      count(chunk.byteLength);
      if (!target.write(chunk)) return void target.once('drain', pump);
    }
  };
  pump();
}

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case '/good.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('good', 3));
      case '/deflate.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' })
          .end(deflateSync(rss('deflated', 2)));
      case '/br.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'br' })
          .end(brotliCompressSync(rss('brotli', 4)));
      case '/zstd.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'zstd' }).end('not really zstd');
      case '/plain-labelled-gzip.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' })
          .end(fixture('wrong-content-encoding.rss'));
      case '/raw-deflate.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' })
          .end(deflateRawSync(fixture('wrong-content-encoding.rss')));
      case '/bad-gzip.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end('plain, not gzip');
      case '/drip.xml': {
        // A real feed's start, then a few bytes a tick: the body never completes in time.
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        response.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title>');
        const timer = setInterval(() => response.write('<!-- drip -->'), 50);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case '/slow-to-read.xml':
        // Arrives at once, but tens of thousands of unclosed tags keep the parser busy well past the 0.3 s budget: the
        // budget ends it, not the fetch. 36,000 (252 KB, under the 256 KB cap) take 0.5-1.3 s to parse here; the 25,000
        // this test had took 0.27-0.49 s once parsing got faster, and a run of the whole suite then read the feed in time.
        return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0">
<channel><title>Slow</title><item><title>Slow</title><description>${'<b><i>a'.repeat(36_000)}</description></item></channel></rss>`);
      case '/endless.xml':
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        return endless(response, response, Buffer.alloc(64 * 1024, '<!-- endless -->'), (bytes) => (written.endless += bytes));
      case '/endless-gzip.xml': {
        // Zeros compress about a thousandfold: a small stream on the wire that decodes to an endless body.
        response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
        const gzip = createGzip();
        gzip.pipe(response);
        return endless(response, gzip, Buffer.alloc(64 * 1024), (bytes) => (written.endlessGzip += bytes));
      }
      default:
        return void response.writeHead(404).end();
    }
  });
  ({ base } = await listenOnLoopback(server));
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetch limits on hostile servers', () => {
  it('ends slow-drip, endless and silent responses with a clear error per feed, and the run goes on', async () => {
    // Accepts the TCP connection and never says a word.
    const silent = createTcpServer(() => {});
    const held: Socket[] = [];
    silent.on('connection', (socket) => held.push(socket));
    const { port: silentPort } = await listenOnLoopback(silent);
    try {
      const store = await openStore(join(tempFolder(), 'limits.db'));
      const silentUrl = `http://127.0.0.1:${silentPort}/feed.xml`;
      for (const url of [`${base}/good.xml`, `${base}/drip.xml`, `${base}/endless.xml`, `${base}/endless-gzip.xml`, silentUrl,
        `${base}/slow-to-read.xml`]) {
        await upsertFeed(store, { url });
      }
      const started = performance.now();
      const summary = await ingestFeeds(store, { ...loopback, limits: { totalTimeoutMs: 700, maxBytes: MAX_BYTES }, parseTimeoutMs: 300 });
      const elapsed = performance.now() - started;

      expect(summary.added).toBe(3);
      expect(await countArticles(store)).toBe(3);
      const errors = Object.fromEntries(summary.failures.map((failure) => [failure.url.replace(base, ''), failure.error]));
      expect(errors['/drip.xml']).toBe('no complete response within 0.7 s');
      expect(errors[silentUrl]).toBe('no complete response within 0.7 s');
      expect(errors['/endless.xml']).toBe('response larger than 256 KB: stopped reading');
      expect(errors['/endless-gzip.xml']).toBe('response larger than 256 KB: stopped reading');
      expect(errors['/slow-to-read.xml']).toBe('took longer than 0.3 s to read; skipped this run');
      // Every feed ran at once and each stopped at its own limit: nothing waited for the slowest.
      expect(elapsed).toBeLessThan(5_000);
      // Reading stopped at the cap instead of buffering what the server kept sending (what the sockets hold aside).
      expect(written.endless).toBeLessThan(64 * 1024 * 1024);
      expect(written.endlessGzip).toBeLessThan(64 * 1024 * 1024);

      const drip = (await listFeeds(store)).find((feed) => feed.url.endsWith('/drip.xml'))!;
      expect(drip.lastError).toBe('no complete response within 0.7 s');
      expect(drip.consecutiveFailures).toBe(1);
      await store.close();
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('gives up on a connection that cannot be established within the connect timeout', async () => {
    const queue = await fullAcceptQueue();
    try {
      const result = await fetchFeed({ url: `http://127.0.0.1:${queue.port}/feed.xml` },
        { ...defaultFetchLimits, connectTimeoutMs: 300, totalTimeoutMs: 10_000 }, loopback);
      expect(result).toMatchObject({ kind: 'error', error: 'could not connect within 0.3 s' });
    } finally {
      await queue.release();
    }
  });
});

describe('content encodings', () => {
  it('decodes deflate and br, and names an unknown or broken encoding', async () => {
    const store = await openStore(join(tempFolder(), 'encodings.db'));
    for (const name of ['deflate', 'br', 'zstd', 'bad-gzip']) await upsertFeed(store, { url: `${base}/${name}.xml` });
    const summary = await ingestFeeds(store, loopback);
    expect(summary.added).toBe(2 + 4);
    const titles = (sqliteDb(store).prepare('SELECT title FROM articles ORDER BY title').all() as { title: string }[]).map((row) => row.title);
    expect(titles).toContain('deflated story 1');
    expect(titles).toContain('brotli story 3');
    const errors = Object.fromEntries(summary.failures.map((failure) => [failure.url.replace(base, ''), failure.error]));
    expect(errors['/zstd.xml']).toBe('the server sent an unsupported content-encoding "zstd"');
    expect(errors['/bad-gzip.xml']).toMatch(/^the gzip body could not be decompressed/);
    await store.close();
  });

  it('reads a feed sent uncompressed but labelled gzip as sent, and says so; inflates raw deflate labelled deflate', async () => {
    const plain = await fetchFeed({ url: `${base}/plain-labelled-gzip.xml` }, defaultFetchLimits, loopback);
    expect(plain).toMatchObject({ kind: 'ok', encodingIgnored: 'gzip' });
    expect(Buffer.from((plain as { body: Uint8Array }).body).equals(fixture('wrong-content-encoding.rss'))).toBe(true);
    const raw = await fetchFeed({ url: `${base}/raw-deflate.xml` }, defaultFetchLimits, loopback);
    expect(raw).toMatchObject({ kind: 'ok', encodingIgnored: null });
    expect(Buffer.from((raw as { body: Uint8Array }).body).equals(fixture('wrong-content-encoding.rss'))).toBe(true);

    const store = await openStore(join(tempFolder(), 'mislabelled.db'));
    for (const name of ['plain-labelled-gzip', 'raw-deflate']) await upsertFeed(store, { url: `${base}/${name}.xml` });
    const summary = await ingestFeeds(store, loopback);
    expect(summary.failures).toEqual([]);
    expect(summary.fetched).toBe(2);
    // Both feeds serve the same two items (one article each in the store); each feed saw both.
    expect((await listFeeds(store)).map((feed) => feed.itemsSeen)).toEqual([2, 2]);
    expect(summary.warnings).toEqual([{ url: `${base}/plain-labelled-gzip.xml`, warning: 'sent as gzip but not compressed; read as sent' }]);
    await store.close();
  });
});

/**
 * A listening socket whose owner never accepts: a worker thread listens with a backlog of 1 and then blocks, and we
 * fill the kernel's accept queue ourselves. Further SYNs are dropped, so a connect hangs exactly as to a dead host.
 */
async function fullAcceptQueue(): Promise<{ port: number; release: () => Promise<void> }> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(workerData, 0, 0); // blocked: nothing is ever accepted
      server.close();
    });`, { eval: true, workerData: gate });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers: Socket[] = [];
  for (let attempt = 0; attempt < 16; attempt++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 400); // a loopback connect that has not happened by now never will
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break; // the queue is full
  }
  return {
    port,
    release: async () => {
      for (const socket of fillers) socket.destroy();
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await worker.terminate();
    },
  };
}
