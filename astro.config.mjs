// Static site; the public URL and base path come from the environment so one build config serves every deployment.
import { defineConfig } from 'astro/config';

// Astro reports every build to telemetry.astro.build unless this is set (its config has no such setting): a POST that
// a build waits on before it can exit (no answer offline; behind a firewall that drops packets, until it times out),
// and a synchronous `git rev-list` for a project id, 0.1 s of CPU per build (CPU profile of bench/build). A news
// site built offline from its own store tells no third party when it builds. Set here so that every Astro command on
// this project (wirefold build, astro dev, bench/build's bare baseline, which imports this file) sees it.
process.env.ASTRO_TELEMETRY_DISABLED ??= '1';

export default defineConfig({
  output: 'static',
  site: process.env.WIREFOLD_SITE_URL || 'http://localhost:4321',
  base: process.env.WIREFOLD_BASE || '/',
  trailingSlash: 'always',
  outDir: process.env.WIREFOLD_OUT || './dist',
  // Pages render from data already in memory, so a build waits mostly on writing files: rendering a few pages at once
  // overlaps that waiting (bench/build, 5,000 stories: about a quarter less wall time on a busy 2-core machine).
  build: { format: 'directory', concurrency: 4 },
  devToolbar: { enabled: false },
});
