#!/usr/bin/env -S node --max-semi-space-size=16
// The `wirefold` command: a thin entry point; everything it does lives in src/cli. The V8 flag caps the young
// generation at 16 MB: ingest allocates fast and short-lived, and V8's default let a 2,000-feed run peak near 400 MB
// of RSS for about 25 MB of live data (292 MB with the cap, at the same speed; measured in bench/ingest).
// Node's compile cache (kept in the system's temp folder) spares later runs most of the parsing of the modules they
// load, and the type stripping of our .ts modules; it must be on before they load, hence the dynamic import. This file
// is plain JavaScript because the entry point itself is loaded before the cache is on: a .ts entry made every command
// load Node's TypeScript stripper (amaro), about half the CPU of `wirefold --help` (0.32-0.38 s against 0.15-0.17 s).
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
