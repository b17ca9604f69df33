// The runs table: what each stage did, when, and what went wrong, so a scheduler's history is readable later.
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';

export type Stage = 'ingest' | 'embed' | 'cluster' | 'build';
export type Counts = Record<string, number>;

export interface Run {
  id: number;
  stage: Stage;
  startedAt: string;
  endedAt: string | null;
  ok: boolean | null;
  counts: Counts;
  errors: string[];
}

export function startRun(store: Store, stage: Stage): number {
  const row = store.db
    .prepare('INSERT INTO runs (stage, started_at) VALUES (?, ?) RETURNING id')
    .get(stage, new Date().toISOString()) as { id: number };
  return row.id;
}

export function finishRun(store: Store, runId: number, ok: boolean, counts: Counts, errors: readonly string[] = []): void {
  store.db
    .prepare('UPDATE runs SET ended_at = ?, ok = ?, counts = ?, errors = ? WHERE id = ?')
    .run(new Date().toISOString(), ok ? 1 : 0, toJson(counts), toJson(errors), runId);
}

export function recentRuns(store: Store, limit = 20): Run[] {
  const rows = store.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as {
    id: number; stage: Stage; started_at: string; ended_at: string | null; ok: number | null; counts: string; errors: string;
  }[];
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
