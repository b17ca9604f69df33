// The runs table: what each stage did, when, and what went wrong, so a scheduler's history is readable later.
import type { Stage, Counts, Run } from '../model/run.ts';
export type { Stage, Counts, Run } from '../model/run.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { sqlOf } from './connection.ts';

/** Records that a stage started; returns the run's id for finishRun. */
export async function startRun(store: Store, stage: Stage): Promise<number> {
  return (await sqlOf(store).get<{ id: number }>('INSERT INTO runs (stage, started_at) VALUES (?, ?) RETURNING id', [stage, new Date().toISOString()]))!.id;
}

export async function finishRun(store: Store, runId: number, ok: boolean, counts: Counts, errors: readonly string[] = []): Promise<void> {
  await sqlOf(store).run('UPDATE runs SET ended_at = ?, ok = ?, counts = ?, errors = ? WHERE id = ?',
    [new Date().toISOString(), ok ? 1 : 0, toJson(counts), toJson(errors), runId]);
}

/** The latest runs, newest first. */
export async function recentRuns(store: Store, limit = 20): Promise<Run[]> {
  const rows = await sqlOf(store).all<{
    id: number; stage: Stage; started_at: string; ended_at: string | null; ok: number | null; counts: string; errors: string;
  }>('SELECT * FROM runs ORDER BY id DESC LIMIT ?', [limit]);
  return rows.map((row) => ({
    id: row.id,
    stage: row.stage,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    ok: row.ok === null ? null : row.ok === 1,
    counts: fromJson<Counts>(row.counts, {}),
    errors: fromJson<string[]>(row.errors, []),
  }));
}
