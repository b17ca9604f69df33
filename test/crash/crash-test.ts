// The full cluster crash test, run by hand (see README "Tests and benchmarks"; what it checks: docs/testing.md):
//   node test/crash/crash-test.ts [--articles 4000] [--kills 20] [--spread run|writes] [--seed 1] [--keep]
// Prints one line per kill point and a summary; exits 1 if any rerun store differs from the reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeKill, killAndRerun, killPoints, prepareWorkload, referenceRun, summarize } from './cluster-crash.ts';
import type { KillResult } from './cluster-crash.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '4000' },
    kills: { type: 'string', default: '20' },
    spread: { type: 'string', default: 'run' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const spread = values.spread === 'writes' ? 'writes' : 'run';
const folder = mkdtempSync(join(tmpdir(), 'wirefold-crash-'));
try {
  const started = performance.now();
  const workload = await prepareWorkload(folder, Number(values.articles));
  console.log(`workload: ${workload.articles} articles, ${workload.waiting} waiting for the run under test (${folder})`);
  const reference = await referenceRun(workload, join(folder, 'reference.db'));
  console.log(`reference run: ${(reference.ms / 1000).toFixed(1)} s, writes from ${(reference.writes.from / 1000).toFixed(1)} s to ${(reference.writes.to / 1000).toFixed(1)} s`);
  const results: KillResult[] = [];
  for (const [index, delay] of killPoints(reference, Number(values.kills), spread, Number(values.seed)).entries()) {
    results.push(await killAndRerun(workload, reference, join(folder, `kill-${index}.db`), delay));
    console.log(describeKill(results.at(-1)!, index));
  }
  console.log(summarize(results));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = results.some((result) => result.mismatches.length) ? 1 : 0;
} finally {
  if (values.keep) console.log(`kept ${folder}`);
  else rmSync(folder, { recursive: true, force: true });
}
