// A run: what one stage did, when, and what went wrong.

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
