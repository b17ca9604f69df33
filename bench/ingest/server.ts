// The ingest benchmark's feed server, run as its own process (forked by index.ts) so its CPU and memory are never
// counted as Wirefold's. It serves FEEDS generated feeds spread over HOSTS loopback origins (127.0.0.1 on HOSTS ports:
// the fetcher's per-host limit keys on host:port, exactly as it would on distinct hostnames), each response after the
// feed's fixed 20–100 ms latency, gzip when asked, with ETag and Last-Modified, and 304 on a matching validator.
// Parent → child messages: 'stats' (answered with the request counts), 'close'. Child → parent: ready, stats.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { generateFeed, latencyMs } from './feeds.ts';

export interface ServerReady {
  type: 'ready';
  urls: string[];
  bodyBytes: number;
  gzipBytes: number;
  startupMs: number;
}

export interface ServerStats {
  type: 'stats';
  ok: number;
  notModified: number;
  other: number;
  /** Requests per feed, by feed index (any answer): bench/scale-out checks that each feed was fetched exactly once. */
  requests: number[];
  /** CPU time this process spent since it was ready (user + system). */
  cpuMs: number;
}

const feedCount = Number(process.env['BENCH_FEEDS'] ?? 2000);
const itemCount = Number(process.env['BENCH_ITEMS'] ?? 25);
const hostCount = Number(process.env['BENCH_HOSTS'] ?? 200);
/** However the parent ends, this process never outlives it by more than this. */
const lifetimeMs = Number(process.env['BENCH_SERVER_LIFETIME_MS'] ?? 300_000);
/**
 * Cache-Control max-age on every answer, in seconds (BENCH_MAX_AGE_SECONDS; none when 0 or unset): bench/scale-out
 * sends 900, a 15-minute interval, so a feed fetched by one worker is not due again for a worker started later.
 */
const maxAgeSeconds = Number(process.env['BENCH_MAX_AGE_SECONDS'] ?? 0);
const cacheControl = maxAgeSeconds > 0 ? { 'cache-control': `max-age=${maxAgeSeconds}` } : {};
const lastModified = new Date(Date.UTC(2025, 4, 1, 12, 0, 0)).toUTCString();

interface Prepared {
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
  latency: number;
}

const started = performance.now();
const feeds: Prepared[] = [];
let bodyBytes = 0;
let gzipBytes = 0;
for (let index = 0; index < feedCount; index++) {
  const { format, body: text } = generateFeed(index, itemCount);
  const body = Buffer.from(text);
  const gzip = gzipSync(body, { level: 6 });
  bodyBytes += body.byteLength;
  gzipBytes += gzip.byteLength;
  feeds.push({
    contentType: format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8',
    body, gzip,
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`,
    latency: latencyMs(index),
  });
}

const stats: ServerStats = { type: 'stats', ok: 0, notModified: 0, other: 0, requests: new Array<number>(feedCount).fill(0), cpuMs: 0 };
let cpuAtReady: NodeJS.CpuUsage | undefined;

function handle(request: IncomingMessage, response: ServerResponse): void {
  const match = /^\/feeds\/(\d+)\.(?:xml|atom)$/.exec(request.url ?? '');
  const feed = match ? feeds[Number(match[1])] : undefined;
  if (!feed) {
    stats.other++;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  stats.requests[Number(match![1])]!++;
  setTimeout(() => {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const fresh = ifNoneMatch !== undefined
      ? ifNoneMatch.split(',').some((tag) => tag.trim() === feed.etag)
      : ifModifiedSince !== undefined && ifModifiedSince === lastModified;
    if (fresh) {
      stats.notModified++;
      response.writeHead(304, { etag: feed.etag, 'last-modified': lastModified, ...cacheControl }).end();
      return;
    }
    stats.ok++;
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? feed.gzip : feed.body;
    response.writeHead(200, {
      'content-type': feed.contentType,
      'content-length': body.byteLength,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'Accept-Encoding',
      etag: feed.etag,
      'last-modified': lastModified,
      ...cacheControl,
    });
    response.end(body);
  }, feed.latency);
}

/**
 * BENCH_HOST_ADDRESSES=1 puts each origin on a loopback address of its own (127.0.0.2, 127.0.0.3, …: all of 127/8 is
 * loopback on Linux), so each is a host of its own for the PostgreSQL workers' host leases, which key on the hostname
 * without the port (bench/scale-out); otherwise every origin is 127.0.0.1 on a port of its own.
 */
const distinctAddresses = process.env['BENCH_HOST_ADDRESSES'] === '1';
const addressOf = (host: number) => {
  if (!distinctAddresses) return '127.0.0.1';
  const n = host + 2;
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

const servers: Server[] = [];
const ports: number[] = [];
for (let host = 0; host < hostCount; host++) {
  const server = createServer({ keepAliveTimeout: 30_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, addressOf(host), resolve);
  });
  const address = server.address();
  ports.push(typeof address === 'object' && address ? address.port : 0);
  servers.push(server);
}

function shutdown(): void {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  process.exit(0);
}

setTimeout(shutdown, lifetimeMs).unref();
process.on('disconnect', shutdown);
process.on('message', (message) => {
  if (message === 'stats') {
    const used = process.cpuUsage(cpuAtReady);
    process.send?.({ ...stats, cpuMs: (used.user + used.system) / 1000 });
  }
  if (message === 'close') shutdown();
});

const urls = feeds.map((feed, index) =>
  `http://${addressOf(index % hostCount)}:${ports[index % hostCount]}/feeds/${index}.${feed.contentType.includes('atom') ? 'atom' : 'xml'}`);
const ready: ServerReady = { type: 'ready', urls, bodyBytes, gzipBytes, startupMs: performance.now() - started };
cpuAtReady = process.cpuUsage();
process.send?.(ready);
