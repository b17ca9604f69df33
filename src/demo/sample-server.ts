// Serves content/samples over HTTP on loopback, with ETags, so the demo goes through the real fetcher offline: the
// feeds at the root, and the pictures some of them name (by URLs relative to the feed) under images/.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const contentTypes: Record<string, string> = {
  '.xml': 'application/rss+xml',
  '.rdf': 'application/rdf+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
};
const imageTypes: Record<string, string> = { '.jpg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export interface SampleServer {
  feedUrls: string[];
  close(): Promise<void>;
}

export async function startSampleServer(folder: string): Promise<SampleServer> {
  const files = readdirSync(folder).filter((name) => extname(name) in contentTypes).sort();
  const imageFolder = join(folder, 'images');
  const images = existsSync(imageFolder) ? readdirSync(imageFolder).filter((name) => extname(name) in imageTypes).map((name) => `images/${name}`) : [];
  const typeOf = (name: string) => contentTypes[extname(name)] ?? imageTypes[extname(name)]!;
  const server: Server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice(1));
    if (!files.includes(name) && !images.includes(name)) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(join(folder, name));
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response.writeHead(200, { 'content-type': typeOf(name), etag, 'content-length': body.byteLength });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    feedUrls: files.map((name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
