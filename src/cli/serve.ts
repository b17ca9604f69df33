// `wirefold serve`: preview the built site with Astro's own static preview server (it honours the base path).
import { projectRoot } from '../paths.ts';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { UsageError } from './settings.ts';
import type { Settings } from './settings.ts';

export const defaultPort = 4321;

/** A TCP port from the command line: a whole number up to 65535, 0 for any free port (default 4321). Throws UsageError otherwise. */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return defaultPort;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text}"`);
  return port;
}

export async function serveCommand(settings: Settings, port: number): Promise<number> {
  const outDir = resolve(settings.outDir);
  if (!existsSync(resolve(outDir, 'index.html'))) {
    throw new Error(`no site in ${outDir}: run "wirefold build" or "wirefold demo" first`);
  }
  const { preview } = await import('astro');
  // strictPort: a port the user chose that is taken is an error, not a quiet move to another one. Astro's own log is
  // silenced: its errors reach the user as one line through main, not as a stack.
  const server = await preview({ root: projectRoot, outDir, base: settings.base, logLevel: 'silent', server: { port, host: '127.0.0.1' }, vite: { preview: { strictPort: true } } });
  sendTypesAstroLacks((server as { server?: Server }).server);
  console.log(`serve: http://127.0.0.1:${server.port}${settings.base ?? '/'} (Ctrl-C to stop)`);
  await server.closed();
  return 0;
}

/** Content types the preview server's bundled table (mrmime, inside Vite) lacks, by file extension. */
const missingTypes: Record<string, string> = { '.opml': 'text/x-opml; charset=utf-8' };

/*
 * Astro's preview takes no Vite plugins (it drops them) and no per-file headers, so the type is set on the response
 * before Vite's static handler (sirv) runs: sirv keeps a Content-Type already set. The HTTP server is not in Astro's
 * public PreviewServer type but is on the object it returns; without it nothing changes (test/cli/serve.test.ts fails).
 */
function sendTypesAstroLacks(server: Server | undefined): void {
  server?.prependListener('request', (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const type = missingTypes[path.slice(path.lastIndexOf('.'))];
    if (type) response.setHeader('content-type', type);
  });
}
