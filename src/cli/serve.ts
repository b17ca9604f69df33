// `wirefold serve`: preview the built site with Astro's own static preview server (it honours the base path).
import { projectRoot } from '../paths.ts';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Settings } from './settings.ts';

export async function serveCommand(settings: Settings, port: number): Promise<number> {
  const outDir = resolve(settings.outDir);
  if (!existsSync(resolve(outDir, 'index.html'))) {
    console.error(`no site in ${outDir}: run "wirefold build" or "wirefold demo" first`);
    return 1;
  }
  process.env.WIREFOLD_OUT = outDir;
  if (settings.base) process.env.WIREFOLD_BASE = settings.base;
  const { preview } = await import('astro');
  const server = await preview({ root: projectRoot, logLevel: 'warn', server: { port, host: '127.0.0.1' } });
  console.log(`serve: http://127.0.0.1:${server.port}${settings.base ?? '/'} (Ctrl-C to stop)`);
  await server.closed();
  return 0;
}
