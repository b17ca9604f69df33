// `wirefold serve`: preview the built site with Astro's own static preview server, at the base path the site was
// built for (its build record says which), so its links and assets resolve as they will when deployed.
import { projectRoot } from '../paths.ts';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readBuildManifest } from '../site/build-manifest.ts';
import { normalBase, UsageError } from './settings.ts';
import type { Settings } from './settings.ts';

export const defaultPort = 4321;

/** A TCP port from the command line: a whole number up to 65535, 0 for any free port (default 4321). Throws UsageError otherwise. */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return defaultPort;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text}"`);
  return port;
}

/**
 * Serves the site in settings.outDir on 127.0.0.1:port (0: any free port) at the site's base path, prints its address
 * (`serve: http://127.0.0.1:PORT/BASE/`) and resolves with exit code 0 when the server closes. Throws when there is no
 * site, when --base names another base path than the site was built for (siteBase), or when the port is taken.
 */
export async function serveCommand(settings: Settings, port: number): Promise<number> {
  const outDir = resolve(settings.outDir);
  if (!existsSync(resolve(outDir, 'index.html'))) {
    throw new Error(`no site in ${outDir}: run "wirefold build" or "wirefold demo" first`);
  }
  // The base as requests carry it: a browser sends the site's "/新闻/" links as "/%E6%96%B0%E9%97%BB/", and the preview
  // compares request paths with its base as they come (given "/新闻/", it answered every page with a 404, and a
  // redirect to it was a header Node refuses: the server died of it).
  const base = encodeURI(siteBase(outDir, settings.base));
  const { preview } = await import('astro');
  // strictPort: a port the user chose that is taken is an error, not a quiet move to another one. Astro's own log is
  // silenced: its errors reach the user as one line through main, not as a stack.
  const server = await preview({ root: projectRoot, outDir, base, logLevel: 'silent', server: { port, host: '127.0.0.1' }, vite: { preview: { strictPort: true } } });
  answerBeforePreview((server as { server?: Server }).server, base);
  console.log(`serve: http://127.0.0.1:${server.port}${base} (Ctrl-C to stop)`);
  await server.closed();
  return 0;
}

/**
 * The base path to serve the site in outDir at: the one its build record (.wirefold-build.json) names, since its every
 * link and asset URL starts with it; `given` (--base or WIREFOLD_BASE) only for a site without a record, else "/".
 * Throws when `given` names another base path than the record: serving there would break every link.
 */
export function siteBase(outDir: string, given: string | undefined): string {
  const wanted = given === undefined ? undefined : normalBase(given);
  const manifest = readBuildManifest(outDir);
  if (!manifest) return wanted ?? '/';
  const built = normalBase(manifest.settings.base ?? '/');
  if (wanted !== undefined && wanted !== built) {
    throw new Error(`the site in ${outDir} was built for the base path ${built}, not ${wanted}: serve it without --base, or build it again with --base ${wanted}`);
  }
  return built;
}

/** Content types the preview server's bundled table (mrmime, inside Vite) lacks, by file extension. */
const missingTypes: Record<string, string> = { '.opml': 'text/x-opml; charset=utf-8' };

/*
 * What the preview server is not told how to do, answered before it sees the request. Astro's preview takes no Vite
 * plugins (it drops them) and no per-file headers, so the listeners it put on the HTTP server are wrapped:
 * - a path with an encoded slash or backslash ("/x/..%2f") is a 404: no file of a site has one, and the preview
 *   answered it with a 500 page carrying a stack trace (Node's fileURLToPath refuses it), printed on stderr too;
 * - a request for "/" or for the base path without its slash is redirected to the base path (Astro's preview answers
 *   both with a 404 while the base is not "/", and "/" is where a reader starts);
 * - a type the bundled table lacks is set on the response before Vite's static handler (sirv) runs: sirv keeps a
 *   Content-Type already set (and so does the preview's 404 for a path outside the base: only paths under it get one).
 * The HTTP server is not in Astro's public PreviewServer type but is on the object it returns; without it nothing
 * changes (test/cli/serve.test.ts and the serve test in test/site/pages.test.ts fail).
 */
function answerBeforePreview(server: Server | undefined, base: string): void {
  if (!server) return;
  const preview = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (/%2f|%5c/i.test(url.pathname)) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (base !== '/' && (url.pathname === '/' || url.pathname === base.slice(0, -1))) {
      response.writeHead(302, { location: `${base}${url.search}` }).end();
      return;
    }
    // Only under the base path: outside it the preview answers every request with its HTML 404 page (sent with no type).
    const type = url.pathname.startsWith(base) ? missingTypes[url.pathname.slice(url.pathname.lastIndexOf('.'))] : undefined;
    if (type) response.setHeader('content-type', type);
    for (const listener of preview) listener.call(server, request, response);
  });
}
