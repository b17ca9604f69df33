// Static site; the public URL and base path come from the environment so one build config serves every deployment.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  site: process.env.WIREFOLD_SITE_URL || 'http://localhost:4321',
  base: process.env.WIREFOLD_BASE || '/',
  trailingSlash: 'always',
  outDir: process.env.WIREFOLD_OUT || './dist',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  telemetry: false,
});
