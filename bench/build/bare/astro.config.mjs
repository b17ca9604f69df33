// The bare Astro baseline for bench/build: the same static output settings as Wirefold's site, one trivial route.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  site: 'https://bench.example',
  trailingSlash: 'always',
  outDir: process.env.BENCH_BARE_OUT || './dist',
  // Keep Astro's and Vite's caches out of the source tree (they would land in bench/build/bare/node_modules).
  cacheDir: process.env.BENCH_BARE_CACHE || './node_modules/.astro',
  vite: { cacheDir: process.env.BENCH_BARE_CACHE ? `${process.env.BENCH_BARE_CACHE}/vite` : undefined },
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  telemetry: false,
});
