// The short form of the cluster crash test (the full one: crash-test.ts): the real `wirefold cluster` is killed with
// SIGKILL three times while it writes, and after a second run each store must be what an uninterrupted run leaves.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { describeKill, killAndRerun, killPoints, prepareWorkload, referenceRun, summarize } from './cluster-crash.ts';
import type { KillResult } from './cluster-crash.ts';
import { tempFolder } from '../helpers.ts';

describe('a cluster run killed with SIGKILL', () => {
  it('leaves a store that the next run brings to what an uninterrupted run leaves', async () => {
    const folder = tempFolder();
    const workload = await prepareWorkload(folder, 2000);
    const reference = await referenceRun(workload, join(folder, 'reference.db'));
    const results: KillResult[] = [];
    // Spread over the write phase, where a run that commits in steps leaves stories half made.
    for (const [index, delay] of killPoints(reference, 3, 'writes').entries()) {
      results.push(await killAndRerun(workload, reference, join(folder, `kill-${index}.db`), delay));
    }
    const report = `${results.map(describeKill).join('\n')}\n${summarize(results)}`;
    expect(results.some((result) => result.killed), report).toBe(true);
    expect(results.filter((result) => result.found === 'partial'), report).toEqual([]);
    expect(results.flatMap((result) => result.mismatches), report).toEqual([]);
  }, 90_000);
});
