// `wirefold store copy` at scale: bench/build's synthetic store (20,000 articles, 5,000 stories, 200 topics) plus a
// 512-float vector per article, as the default model stores them, copied SQLite → SQLite, and, when a PostgreSQL server
// is named (WIREFOLD_TEST_POSTGRES, as for the tests), SQLite → PostgreSQL and PostgreSQL → SQLite. Each copy includes
// its verification (counts and checksums on both sides). Rounds alternate the directions so a busy moment on a shared
// machine hits them alike; medians of rows/s are printed, with each direction's ratio to SQLite → SQLite.
// Target (issue 16): tens of thousands of articles copy in seconds, not minutes. BENCH_COPY_ROUNDS=<n> (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticStore } from '../build/synthetic-store.ts';
import { openStore } from '../../src/store/store.ts';
import { saveEmbeddings, textsMissingEmbeddings } from '../../src/store/embeddings.ts';
import { copyStore } from '../../src/store/copy.ts';
import pg from 'pg';
import { freshSchemaLocation } from '../../test/postgres-schema.ts';
import { median } from '../child-figures.ts';
import type { BenchRow } from '../run.ts';

const dimensions = 512;

/** Drops the schemas this benchmark made (and nothing else). */
async function dropSchemas(server: string, urls: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    for (const url of urls) {
      const schema = /search_path=(t_bench_copy_[0-9a-f]+)$/.exec(new URL(url).searchParams.get('options') ?? '')?.[1];
      if (schema) await client.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  } finally {
    await client.end();
  }
}

async function addVectors(path: string): Promise<void> {
  const store = await openStore(path);
  try {
    const tasks = await textsMissingEmbeddings(store, 'bench-model');
    let seed = 1;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    await saveEmbeddings(store, 'bench-model', tasks.map((task) => ({ contentHash: task.contentHash, vector: Float32Array.from({ length: dimensions }, next) })));
  } finally {
    await store.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const rounds = Number(process.env.BENCH_COPY_ROUNDS ?? 3);
  const scratch = mkdtempSync(join(tmpdir(), 'wirefold-bench-copy-'));
  try {
    const source = join(scratch, 'source.db');
    const summary = await generateSyntheticStore(source);
    await addVectors(source);
    const postgres = process.env.WIREFOLD_TEST_POSTGRES;
    const targets: string[] = [];
    const directions: { name: string; copy: (round: number) => Promise<{ rows: number; seconds: number; verified: boolean }> }[] = [
      { name: 'SQLite → SQLite', copy: (round) => copyStore(source, join(scratch, `copy-${round}.db`)) },
    ];
    if (postgres) {
      directions.push({ name: 'SQLite → PostgreSQL', copy: async (round) => copyStore(source, (targets[round] = await freshSchemaLocation(postgres, 'bench_copy'))) });
      directions.push({ name: 'PostgreSQL → SQLite', copy: (round) => copyStore(targets[round]!, join(scratch, `back-${round}.db`)) });
    }
    const rates = new Map<string, number[]>(directions.map((direction) => [direction.name, []]));
    const loads: number[] = [];
    let rows = 0;
    for (let round = 0; round < rounds; round++) {
      for (const direction of directions) {
        loads.push(loadavg()[0]!);
        const report = await direction.copy(round);
        if (!report.verified) throw new Error(`${direction.name}: the copy did not verify`);
        rows = report.rows;
        rates.get(direction.name)!.push(report.rows / report.seconds);
        console.error(`bench store-copy: round ${round + 1} ${direction.name}: ${report.rows} rows in ${report.seconds.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})`);
      }
    }
    const base = median(rates.get('SQLite → SQLite')!);
    const result: BenchRow[] = [
      { benchmark: 'store-copy', measure: 'store', value: `${summary.articles} articles, ${summary.stories} stories, ${summary.topics} topics, ${dimensions}-d vectors: ${rows} rows` },
    ];
    for (const [name, values] of rates) {
      const rate = median(values);
      result.push({ benchmark: 'store-copy', measure: `${name} (copy + verify)`, value: `${Math.round(rate)} rows/s, ${(rows / rate).toFixed(1)} s (${(rate / base).toFixed(2)}× SQLite → SQLite)` });
    }
    if (!postgres) result.push({ benchmark: 'store-copy', measure: 'PostgreSQL', value: 'not measured: set WIREFOLD_TEST_POSTGRES (or source .ci/postgres.sh)' });
    result.push({ benchmark: 'store-copy', measure: 'load average (1 min) at the copies', value: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` });
    if (postgres) await dropSchemas(postgres, targets);
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
