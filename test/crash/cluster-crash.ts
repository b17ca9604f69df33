// The cluster stage's crash test, shared by the vitest test (cluster-crash.test.ts) and the by-hand run
// (crash-test.ts): the real `wirefold cluster` process on copies of one prepared store, killed with SIGKILL at chosen
// moments, then run again to completion, must leave what an uninterrupted run leaves.
import { sqliteDb } from '../helpers.ts';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/store.ts';
import { syntheticStream, writeStream } from '../../bench/cluster/synthetic-stream.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Workload {
  /** The prepared store: the older articles clustered, the newer ones waiting for the run under test. */
  db: string;
  /** A folder named like a model: `wirefold cluster` takes the id of the vectors it reads from its name. */
  modelFolder: string;
  articles: number;
  waiting: number;
}

/**
 * Writes a synthetic stream (bench/cluster/synthetic-stream.ts, precomputed vectors: no model needed) of `articles`
 * articles over the last 20 days into `folder`/prepared.db, clusters its older `clusteredShare` with `wirefold cluster`
 * and adds the rest, so the run under test grows, merges and relates stories that are already stored. The 20 days stay
 * inside every 30-day horizon of the stage, so runs a few minutes apart decide the same things.
 */
export async function prepareWorkload(folder: string, articles: number, clusteredShare = 0.5): Promise<Workload> {
  const modelFolder = join(folder, 'synthetic-stream');
  mkdirSync(modelFolder, { recursive: true });
  // Only the folder's name counts: clustering reads stored vectors and never loads the model itself.
  writeFileSync(join(modelFolder, 'config.json'), '{}\n');
  const modelId = 'synthetic-stream:q8';
  const now = new Date();
  const stream = syntheticStream(articles, now.getTime() - 20 * 86400_000, 20);
  const clustered = Math.floor(articles * clusteredShare);
  const db = join(folder, 'prepared.db');
  const workload = { db, modelFolder, articles, waiting: articles - clustered };

  let store = await openStore(db);
  await writeStream(store, stream.slice(0, clustered), now.toISOString(), modelId);
  await store.close();
  const first = await runCluster(workload, db);
  if (first.code !== 0) throw new Error(`preparing the workload: wirefold cluster failed (${first.code}):\n${first.output}`);
  store = await openStore(db);
  await writeStream(store, stream.slice(clustered), now.toISOString(), modelId);
  await store.close();
  return workload;
}

export interface ClusterProcess {
  code: number | null;
  killed: boolean;
  /** Milliseconds from the spawn to the exit. */
  ms: number;
  /** Milliseconds from the spawn to when the kill was sent, if it was. */
  killedAtMs: number | null;
  output: string;
}

/** Runs the real `wirefold cluster` on `db`; with `killAfterMs`, sends it SIGKILL then unless it has exited. */
export function runCluster(workload: Workload, db: string, killAfterMs?: number): Promise<ClusterProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'cluster', '--db', db, '--model', workload.modelFolder], {
    cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  let killedAtMs: number | null = null;
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => {
    killedAtMs = performance.now() - started;
    child.kill('SIGKILL');
  }, killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, killed: signal === 'SIGKILL', ms: performance.now() - started, killedAtMs, output });
    });
  });
}

/** Copies a closed store (with its WAL, should one be left). */
export function copyStore(from: string, to: string): void {
  copyFileSync(from, to);
  for (const suffix of ['-wal', '-shm']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

/**
 * What the cluster stage owns in a store, table by table, as sets of rows. Columns that record when a run happened
 * (scores age with the clock, created/updated/added times) are left out: two runs minutes apart differ there by design.
 * The runs table is left out too: a killed run leaves its row unfinished, which is what it is for.
 */
export type Snapshot = Map<string, Set<string>>;

const snapshotQueries: Record<string, string> = {
  articles: 'SELECT id, content_hash FROM articles',
  stories: `SELECT id, title, lead_article_id, first_published_at, last_published_at, article_count, source_count, merged_into
            FROM stories`,
  story_articles: 'SELECT article_id, story_id FROM story_articles',
  story_profiles: 'SELECT story_id, model_id, vector_sum, size, terms, word_weight FROM story_profiles',
  related_stories: 'SELECT story_id, related_id, rank, similarity FROM related_stories',
  topics: 'SELECT slug, label, keywords, origin, labelled_stories FROM topics',
  topic_stories: 'SELECT t.slug, ts.story_id, ts.weight FROM topic_stories ts JOIN topics t ON t.id = ts.topic_id',
  topic_profiles: 'SELECT t.slug, p.model_id, p.vector_sum, p.term_sums, p.stories FROM topic_profiles p JOIN topics t ON t.id = p.topic_id',
  term_documents: 'SELECT term, documents FROM term_documents',
};

export async function snapshot(db: string): Promise<Snapshot> {
  const store = await openStore(db);
  try {
    const tables: Snapshot = new Map();
    for (const [table, sql] of Object.entries(snapshotQueries)) {
      const rows = sqliteDb(store).prepare(sql).all() as Record<string, unknown>[];
      tables.set(table, new Set(rows.map((row) => JSON.stringify(Object.values(row).map(comparable)))));
    }
    return tables;
  } finally {
    await store.close();
  }
}

/** Blobs (vector sums) compare by digest. */
function comparable(value: unknown): unknown {
  return value instanceof Uint8Array ? createHash('sha1').update(value).digest('hex') : value;
}

/** Where `actual` differs from `expected`: one line per table, with the story partition and ids checked apart. */
export function differences(expected: Snapshot, actual: Snapshot): string[] {
  const lines: string[] = [];
  for (const [table, rows] of expected) {
    const other = actual.get(table)!;
    const missing = [...rows].filter((row) => !other.has(row));
    const extra = [...other].filter((row) => !rows.has(row));
    if (missing.length || extra.length) lines.push(`${table}: ${missing.length} rows missing, ${extra.length} unexpected (e.g. ${(missing[0] ?? extra[0])!.slice(0, 80)})`);
  }
  if (!samePartition(expected.get('story_articles')!, actual.get('story_articles')!)) lines.push('the articles are grouped into different stories');
  return lines;
}

/** Whether the two membership tables group the articles alike, whatever the stories are called. */
function samePartition(expected: Set<string>, actual: Set<string>): boolean {
  const groups = (rows: Set<string>) => {
    const byStory = new Map<string, number[]>();
    for (const row of rows) {
      const [articleId, storyId] = JSON.parse(row) as [number, string];
      byStory.set(storyId, [...(byStory.get(storyId) ?? []), articleId]);
    }
    return new Set([...byStory.values()].map((ids) => ids.sort((a, b) => a - b).join(',')));
  };
  const a = groups(expected);
  const b = groups(actual);
  return a.size === b.size && [...a].every((group) => b.has(group));
}

/**
 * What a reader would see broken whatever the reference says: live stories that show no articles, whose count
 * disagrees with their members, or that have no profile to be compared by.
 */
export async function brokenStories(db: string): Promise<string[]> {
  const store = await openStore(db);
  try {
    const count = (sql: string) => (sqliteDb(store).prepare(sql).get() as { n: number }).n;
    const live = 'FROM stories s WHERE merged_into IS NULL';
    const members = '(SELECT count(*) FROM story_articles sa WHERE sa.story_id = s.id)';
    const problems = [
      [count(`SELECT count(*) AS n ${live} AND (article_count = 0 OR ${members} = 0)`), 'live stories show 0 articles'],
      [count(`SELECT count(*) AS n ${live} AND article_count <> ${members}`), 'live stories count other articles than they hold'],
      [count(`SELECT count(*) AS n ${live} AND NOT EXISTS (SELECT 1 FROM story_profiles p WHERE p.story_id = s.id)`), 'live stories have no profile'],
    ] as const;
    return problems.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  } finally {
    await store.close();
  }
}

export interface Reference {
  snapshot: Snapshot;
  /** The prepared store's snapshot: what a run that wrote nothing leaves. */
  before: Snapshot;
  /** Milliseconds from the spawn to the exit. */
  ms: number;
  /** When, from the spawn, the stage began writing stories and finished (from its runs row and phase timings). */
  writes: { from: number; to: number };
}

/** An uninterrupted run on a copy of the prepared store: what every killed-and-rerun copy must end up as. */
export async function referenceRun(workload: Workload, db: string): Promise<Reference> {
  copyStore(workload.db, db);
  const spawned = Date.now();
  const run = await runCluster(workload, db);
  if (run.code !== 0) throw new Error(`the reference run failed (${run.code}):\n${run.output}`);
  const problems = await brokenStories(db);
  if (problems.length) throw new Error(`the reference run left broken stories: ${problems.join('; ')}`);
  return { snapshot: await snapshot(db), before: await snapshot(workload.db), ms: run.ms, writes: await writePhase(db, spawned) };
}

/**
 * The stage writes stories from the end of its "stories" phase to its end (runs.counts keeps the phases' seconds);
 * what comes before the phases in the run (loading the command's modules) is what the run took beyond them.
 */
async function writePhase(db: string, spawned: number): Promise<{ from: number; to: number }> {
  const store = await openStore(db);
  const row = sqliteDb(store).prepare("SELECT started_at, ended_at, counts FROM runs WHERE stage = 'cluster' ORDER BY id DESC LIMIT 1")
    .get() as { started_at: string; ended_at: string; counts: string };
  await store.close();
  const counts = JSON.parse(row.counts) as Record<string, number>;
  const phases = ['load', 'stories', 'refresh', 'topics', 'related'].map((phase) => (counts[`${phase}Seconds`] ?? 0) * 1000);
  const ended = Date.parse(row.ended_at) - spawned;
  const clusterStart = ended - phases.reduce((a, b) => a + b, 0);
  return { from: clusterStart + phases[0]! + phases[1]!, to: ended };
}

export interface KillResult {
  delayMs: number;
  killed: boolean;
  /**
   * Where the kill fell: known when the store shows it (half written: during the writes; as after: after them), else
   * estimated by the reference run's clock (a shared machine's speed varies).
   */
  phase: 'before writes' | 'during writes' | 'after writes';
  /** What the killed run left, exactly: the prepared store, the reference, or something in between. */
  found: 'as before' | 'as after' | 'partial';
  rerun: { code: number | null; ms: number; summary: string };
  mismatches: string[];
}

/** Kills one copy's run after `delayMs`, reruns it to completion and compares with the reference. */
export async function killAndRerun(workload: Workload, reference: Reference, db: string, delayMs: number): Promise<KillResult> {
  copyStore(workload.db, db);
  const killed = await runCluster(workload, db, delayMs);
  const left = await snapshot(db);
  const found = differences(reference.before, left).length === 0 ? 'as before' : differences(reference.snapshot, left).length === 0 ? 'as after' : 'partial';
  const at = killed.killedAtMs ?? killed.ms;
  const byClock = at < reference.writes.from ? 'before writes' : at <= reference.writes.to ? 'during writes' : 'after writes';
  // A store as before, killed "after" by the clock, was killed in a slower run's writes, before they committed.
  const phase = found === 'partial' ? 'during writes' : found === 'as after' ? 'after writes' : byClock === 'after writes' ? 'during writes' : byClock;
  const rerun = await runCluster(workload, db);
  const summary = /cluster: [^\n]*/.exec(rerun.output)?.[0] ?? rerun.output.trim().split('\n').at(-1) ?? '';
  const mismatches = rerun.code === 0 ? [...differences(reference.snapshot, await snapshot(db)), ...await brokenStories(db)] : [`the rerun failed (${rerun.code}): ${summary}`];
  return { delayMs, killed: killed.killed, phase, found, rerun: { code: rerun.code, ms: rerun.ms, summary }, mismatches };
}

/**
 * Kill points: `spread` "run" draws them uniformly over the reference run's time (seeded, so a run can be repeated);
 * "writes" spaces them evenly over its write phase, where a partial write can happen.
 */
export function killPoints(reference: Reference, count: number, spread: 'run' | 'writes', seed = 1): number[] {
  if (spread === 'writes') {
    const { from, to } = reference.writes;
    return Array.from({ length: count }, (_, index) => Math.round(from + ((index + 0.5) / count) * (to - from)));
  }
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => Math.round(random() * reference.ms)).sort((a, b) => a - b);
}

/** One line per kill point. */
export function describeKill(result: KillResult, index: number): string {
  const what = result.killed ? `killed at ${result.delayMs} ms (${result.phase})` : `exited before the kill at ${result.delayMs} ms`;
  const verdict = result.mismatches.length ? `MISMATCH: ${result.mismatches.join('; ')}` : 'matches the reference';
  return `#${index + 1} ${what}, left the store ${result.found}; rerun ${(result.rerun.ms / 1000).toFixed(1)} s "${result.rerun.summary}": ${verdict}`;
}

/** The closing summary: kills, where they fell, what they left, mismatches. */
export function summarize(results: readonly KillResult[]): string {
  const tally = <K extends string>(key: (result: KillResult) => K) => {
    const counts = new Map<K, number>();
    for (const result of results) counts.set(key(result), (counts.get(key(result)) ?? 0) + 1);
    return [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
  };
  const killed = results.filter((result) => result.killed);
  return `${results.length} kill points, ${killed.length} killed a running process (${tally((result) => result.killed ? result.phase : 'exited first')}); ` +
    `stores left ${tally((result) => result.found)}; ${results.filter((result) => result.mismatches.length).length} mismatches after the rerun`;
}
