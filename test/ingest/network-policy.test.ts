// The network policy: feeds on loopback, private, link-local and other non-public addresses are refused unless the
// user opts in. Every test server here is on 127.0.0.1 (itself refused by default); other addresses are only ever
// classified or refused before a socket exists, never connected to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { listFeeds, upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { fetchFeed } from '../../src/ingest/fetch.ts';
import { nonPublicAddressKind, publicOnlyLookup } from '../../src/ingest/address-policy.ts';
import { runWirefold, tempFolder } from '../helpers.ts';
import { listenOnLoopback } from './loopback.ts';

const feedXml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Inside News</title>
<link>https://inside.example/</link>
<item><title>Router admin page</title><link>https://inside.example/1</link><guid>inside-1</guid><description>Secret.</description></item>
</channel></rss>`;

let server: Server;
let port: number;
let base: string;
let requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '/');
    switch (request.url) {
      case '/feed.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedXml);
      case '/to-loopback':
        return void response.writeHead(302, { location: `http://127.0.0.1:${port}/feed.xml` }).end();
      case '/to-file':
        return void response.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case '/to-javascript':
        return void response.writeHead(302, { location: 'javascript:alert(1)' }).end();
      default:
        return void response.writeHead(404).end();
    }
  });
  ({ port, base } = await listenOnLoopback(server));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Counts the TCP client sockets Node creates while `work` runs (net.connect publishes each one on this channel). */
async function socketsOpenedBy<T>(work: () => Promise<T>): Promise<{ result: T; sockets: number }> {
  let sockets = 0;
  const count = () => void sockets++;
  subscribe('net.client.socket', count);
  try {
    return { result: await work(), sockets };
  } finally {
    unsubscribe('net.client.socket', count);
  }
}

describe('the address classifier', () => {
  it('names every non-public address and lets public ones through, without connecting', () => {
    const refused: [string, string][] = [
      ['127.0.0.1', 'a loopback address'],
      ['10.1.2.3', 'a private address'],
      ['172.16.0.1', 'a private address'],
      ['192.168.1.1', 'a private address'],
      ['169.254.169.254', 'a link-local address'],
      ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
      ['0.0.0.0', 'an unspecified address'],
      ['224.0.0.1', 'a multicast address'],
      ['255.255.255.255', 'a broadcast address'],
      ['::1', 'a loopback address'],
      ['::', 'an unspecified address'],
      ['fe80::1', 'a link-local address'],
      ['fe80::1%eth0', 'a link-local address'], // with a zone, as getaddrinfo may give it
      ['fd00::1', 'a unique-local address'],
      ['ff02::1', 'a multicast address'],
      ['::ffff:127.0.0.1', 'a loopback address'],
      ['::ffff:10.0.0.1', 'a private address'],
      ['::ffff:a9fe:a9fe', 'a link-local address'], // ::ffff:169.254.169.254 as the URL parser writes it
      ['64:ff9b::10.0.0.1', 'a private address'], // NAT64
      ['2002:a00:1::1', 'a private address'], // 6to4 of 10.0.0.1
    ];
    for (const [address, kind] of refused) expect(nonPublicAddressKind(address), address).toBe(kind);
    for (const address of ['93.184.216.34', '2606:4700::1', '8.8.8.8', '::ffff:93.184.216.34', '172.32.0.1', '100.128.0.1']) {
      expect(nonPublicAddressKind(address), address).toBeNull();
    }
    expect(() => nonPublicAddressKind('feed.example')).toThrow(TypeError);
  });
});

describe('the connection lookup', () => {
  // A literal address is answered by dns.lookup itself, so these ask no DNS server and connect nowhere.
  const ask = (hostname: string, all: boolean) => new Promise<unknown[]>((resolve) =>
    publicOnlyLookup(hostname, { all }, (error, address, family) => resolve([error?.message ?? null, address, family])));

  it('answers with the public addresses in the shape asked for, and refuses when none is public', async () => {
    expect(await ask('93.184.216.34', true)).toEqual([null, [{ address: '93.184.216.34', family: 4 }], undefined]);
    expect(await ask('2606:4700::1', false)).toEqual([null, '2606:4700::1', 6]);
    expect((await ask('10.0.0.5', false))[0]).toBe('refused: 10.0.0.5 resolves to 10.0.0.5, a private address; pass --allow-private-addresses to allow');
    expect((await ask('localhost', true))[0]).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });
});

describe('fetching by default', () => {
  it('refuses a literal non-public IP before any connection is made', async () => {
    const cases: [string, RegExp][] = [
      ['http://10.255.255.1/feed', /^refused: 10\.255\.255\.1 is a private address; pass --allow-private-addresses to allow$/],
      ['http://169.254.169.254/latest/meta-data/', /^refused: 169\.254\.169\.254 is a link-local address/],
      ['https://[::ffff:10.0.0.1]/feed', /^refused: ::ffff:a00:1 is a private address/],
      ['http://0x7f.1/feed', /^refused: 127\.0\.0\.1 is a loopback address/], // the URL parser's reading of 0x7f.1
    ];
    for (const [url, error] of cases) {
      const { result, sockets } = await socketsOpenedBy(() => fetchFeed({ url }));
      expect(result, url).toMatchObject({ kind: 'error', error: expect.stringMatching(error) });
      expect(sockets, url).toBe(0);
    }
  });

  it('refuses feeds on a loopback server, by address and by a name that resolves there, storing nothing', async () => {
    requests = [];
    const store = await openStore(join(tempFolder(), 'refused.db'));
    await upsertFeed(store, { url: `${base}/feed.xml` });
    await upsertFeed(store, { url: `http://localhost:${port}/feed.xml` });
    const summary = await ingestFeeds(store);
    expect(summary.failures.map((failure) => failure.error).sort()).toEqual([
      'refused: 127.0.0.1 is a loopback address; pass --allow-private-addresses to allow',
      expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address; pass --allow-private-addresses to allow$/),
    ]);
    expect(requests).toEqual([]);
    expect(await countArticles(store)).toBe(0);
    expect(summary.failures.every((failure) => failure.refused)).toBe(true);
    // Recorded like any failure, but with no backoff: the refusal is ours, so the next run (with the flag) fetches it.
    expect((await listFeeds(store)).map((feed) => [feed.consecutiveFailures, feed.lastError?.slice(0, 8), feed.nextFetchAt])).toEqual([[1, 'refused:', null], [1, 'refused:', null]]);
    await store.close();
  });

  it('refuses a redirect chain that leads to loopback, and never asks the server', async () => {
    requests = [];
    const result = await fetchFeed({ url: `http://localhost:${port}/to-loopback` });
    expect(result).toMatchObject({ kind: 'error', error: expect.stringMatching(/^refused: localhost resolves to .*a loopback address/) });
    expect(requests).toEqual([]);
  });

  it('refuses a name that resolves to loopback over https too, and anything but http or https', async () => {
    expect(await fetchFeed({ url: `https://localhost:${port}/feed.xml` }))
      .toMatchObject({ kind: 'error', error: expect.stringMatching(/^refused: localhost resolves to .*a loopback address/) });
    expect(await fetchFeed({ url: `ftp://127.0.0.1:${port}/feed.xml` }, undefined, { allowPrivateAddresses: true }))
      .toMatchObject({ kind: 'error', error: `refused: ftp://127.0.0.1:${port}/feed.xml (not http or https)` });
  });
});

describe('with private addresses allowed', () => {
  const allowed = { allowPrivateAddresses: true };

  it('fetches the same loopback feeds, directly and through a redirect, and keeps its connections to itself', async () => {
    requests = [];
    const store = await openStore(join(tempFolder(), 'allowed.db'));
    await upsertFeed(store, { url: `${base}/feed.xml` });
    await upsertFeed(store, { url: `http://localhost:${port}/to-loopback` });
    const { result: summary, sockets } = await socketsOpenedBy(() => ingestFeeds(store, allowed));
    expect(summary.failures).toEqual([]);
    expect(summary.fetched).toBe(2);
    expect(await countArticles(store)).toBe(1);
    expect(requests.sort()).toEqual(['/feed.xml', '/feed.xml', '/to-loopback']);
    expect(sockets).toBeGreaterThan(0); // the socket counter of the test above does see connections
    await store.close();
    // The opt-in's kept-alive connection to localhost must not carry a later fetch made under the default policy.
    expect(await fetchFeed({ url: `http://localhost:${port}/feed.xml` }))
      .toMatchObject({ kind: 'error', error: expect.stringMatching(/^refused: localhost resolves to/) });
  });

  it('still refuses a redirect to anything but http or https', async () => {
    for (const [path, target] of [['/to-file', 'file:///etc/passwd'], ['/to-javascript', 'javascript:alert(1)']]) {
      const result = await fetchFeed({ url: `${base}${path}` }, undefined, allowed);
      expect(result, path).toMatchObject({ kind: 'error', error: `refused: redirect to ${target} (not http or https)` });
    }
  });
});

describe('the command line', () => {
  it('refuses a loopback feed in ingest and feeds parse unless --allow-private-addresses or the environment allows it', async () => {
    // runWirefold waits synchronously, so this test's server runs in a worker thread whose event loop keeps answering.
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const server = require('node:http').createServer((request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(workerData));
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`, { eval: true, workerData: feedXml });
    try {
      const url = `http://127.0.0.1:${await new Promise<number>((resolve) => worker.once('message', resolve))}/feed.xml`;
      const strict = { WIREFOLD_ALLOW_PRIVATE_ADDRESSES: '' };
      const refusedParse = runWirefold(['feeds', 'parse', url], { env: strict });
      expect(refusedParse.status).toBe(1);
      expect(refusedParse.stderr.trim()).toBe(`wirefold feeds: cannot read ${url}: refused: 127.0.0.1 is a loopback address; pass --allow-private-addresses to allow`);
      expect(runWirefold(['feeds', 'parse', url], { env: { WIREFOLD_ALLOW_PRIVATE_ADDRESSES: '1' } }).stdout).toContain('Inside News');

      const db = join(tempFolder(), 'cli.db');
      expect(runWirefold(['feeds', 'add', url, '--db', db]).status).toBe(0);
      const refusedIngest = runWirefold(['ingest', '--db', db], { env: strict });
      expect(refusedIngest.stdout).toContain(`feed failed: ${url}: refused: 127.0.0.1 is a loopback address`);
      expect(refusedIngest.stdout).toMatch(/ingest: 1 feeds, 0 fetched, .* 1 failed; 0 new articles/);
      // The refusal is ours, not the network's: said so, and no backoff, so acting on the hint at once works (no --force).
      expect(refusedIngest.status).toBe(1);
      expect(refusedIngest.stderr).toContain('all 1 feeds were refused: their addresses are loopback or private; pass --allow-private-addresses to fetch them');
      const allowedIngest = runWirefold(['ingest', '--db', db, '--allow-private-addresses'], { env: strict });
      expect(allowedIngest.stdout).toMatch(/ingest: 1 feeds, 1 fetched, .* 0 failed; 1 new articles/);
    } finally {
      await worker.terminate();
    }
  });
});
