// Builds the bare Astro baseline (bench/build/bare) the way buildSite builds Wirefold's site: Astro's build() in
// this process, warnings only, and as many pages rendered at once as Wirefold's astro.config.mjs says. Run as a child
// by index.ts, with BENCH_BARE_PAGES and BENCH_BARE_OUT set.
import { fileURLToPath } from 'node:url';
import { build } from 'astro';
import wirefoldConfig from '../../astro.config.mjs';

const root = fileURLToPath(new URL('./bare/', import.meta.url));
await build({ root, outDir: process.env.BENCH_BARE_OUT, logLevel: 'warn', build: { concurrency: wirefoldConfig.build?.concurrency } });
