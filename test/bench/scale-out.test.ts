// bench/scale-out's code, run small: two real `wirefold ingest` workers against the test PostgreSQL fetch 40 loopback
// feeds, once and again as 304s, and the bench's figures and exactly-once check come out whole. Its times are never
// asserted here (that is the bench's job, `node bench/run.ts scale-out`); only that the measurement works.
import { describe, expect, it } from 'vitest';
import { postgresSkipReason } from '../backends.ts';
import { measureScaleOut, optionsFromEnvironment, rows } from '../../bench/scale-out/index.ts';
import { describeCheck } from '../../bench/scale-out/round.ts';

describe.skipIf(postgresSkipReason)('bench/scale-out, small (PostgreSQL)', () => {
  it('measures two workers fetching every feed exactly once, with CPU, connections and database size', async () => {
    const options = { feeds: 40, items: 5, workerCounts: [2], rounds: 1, maxAgeSeconds: 900 };
    const result = await measureScaleOut(options);
    expect(result.skipped).toBeNull();
    expect(result.runs).toHaveLength(1);
    const [run] = result.runs;
    for (const phase of [run!.first, run!.notModified]) {
      expect(describeCheck(phase.check, options.feeds)).toBe('every one of 40 feeds fetched exactly once, none missed');
      expect(phase.workerCpuS).toHaveLength(2);
      expect(phase.workerFeeds.reduce((sum, n) => sum + n, 0)).toBe(40);
      // Each worker's CPU from /usr/bin/time, the server's from /proc (the test server runs on this machine).
      expect(phase.workerCpuS.every((seconds) => seconds > 0)).toBe(true);
      expect(phase.databaseCpuS).toBeGreaterThan(0);
      // Two workers, a pool of at most 4 connections each.
      expect(phase.peakConnections).toBeGreaterThanOrEqual(1);
      expect(phase.peakConnections).toBeLessThanOrEqual(8);
    }
    expect(run!.first.added).toBe(200);
    expect(run!.notModified.added).toBe(0);
    expect(run!.articles).toBe(200);
    expect(run!.databaseBytesAfter).toBeGreaterThan(run!.databaseBytesEmpty);
    const table = rows(options, result).map((row) => `${row.measure}: ${row.value}`).join('\n');
    expect(table).toContain('2 worker(s), exactly once: every one of 40 feeds fetched exactly once, none missed, in all 2 phases');
    expect(table).toMatch(/2 worker\(s\), first fetch: [\d.]+ s wall, [\d.]+ feeds\/s/);
  }, 60_000);
});

describe('bench/scale-out settings', () => {
  it('reads feeds, workers and rounds from the environment and refuses a bad worker list', () => {
    expect(optionsFromEnvironment({ BENCH_SCALE_OUT_FEEDS: '300', BENCH_SCALE_OUT_WORKERS: '1, 3', BENCH_SCALE_OUT_ROUNDS: '2' }))
      .toMatchObject({ feeds: 300, workerCounts: [1, 3], rounds: 2, items: 25, maxAgeSeconds: 900 });
    expect(optionsFromEnvironment({})).toMatchObject({ feeds: 5000, workerCounts: [1, 2, 4], rounds: 3 });
    expect(() => optionsFromEnvironment({ BENCH_SCALE_OUT_WORKERS: '1,two' })).toThrow(/BENCH_SCALE_OUT_WORKERS/);
  });
});

if (postgresSkipReason) describe.skip(`bench/scale-out on postgres: ${postgresSkipReason}`, () => it('runs the test above', () => undefined));
