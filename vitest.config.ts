import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI and end-to-end tests run real processes (a model, an Astro build); give them room, never a race.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
