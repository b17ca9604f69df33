#!/usr/bin/env -S node --max-semi-space-size=16
// The `wirefold` command: a thin entry point; everything it does lives in src/cli. The V8 flag caps the young
// generation at 16 MB: ingest allocates fast and short-lived, and V8's default let a 2,000-feed run peak near 400 MB
// of RSS for about 25 MB of live data (292 MB with the cap, at the same speed; measured in bench/ingest).
// Node's compile cache (kept in the system's temp folder) spares later runs most of the parsing of the modules they
// load; it must be on before they load, hence the dynamic import.
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
