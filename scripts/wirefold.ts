#!/usr/bin/env node
// The `wirefold` command: a thin entry point; everything it does lives in src/cli.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
