// The embed stage killed with SIGKILL between two of its chunks: the vectors already saved stay (the next run embeds
// only the rest), and the model's reference sample is among them, so a cluster run in between measures similarity
// on the same scale as every later run (see storeSimilarityScale in src/cluster/stage/load.ts).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { referenceHashes } from '../../src/embed/embed-stage.ts';
import { toJson } from '../../src/store/store.ts';
import { syntheticStream, writeStream } from '../../bench/cluster/synthetic-stream.ts';
import { repoRoot, runWirefold, tempFolder, sqliteDb } from '../helpers.ts';

describe('an embed run killed with SIGKILL', () => {
  it('keeps the chunks it saved, with the reference sample, and the next run embeds the rest', async () => {
    const db = join(tempFolder(), 'embed-crash.db');
    const store = await openStore(db);
    // Synthetic articles with vectors of another model: the embed stage has them all to do.
    await writeStream(store, syntheticStream(1200, Date.now() - 5 * 86400_000, 5), new Date().toISOString());
    await store.close();

    const saved = await killWhenSaved(db, 1);
    const killed = await openStore(db);
    const counts = embeddingCounts(killed);
    await killed.close();
    expect(counts.articles).toBeGreaterThan(0);
    expect(counts.articles).toBeLessThan(counts.texts);
    expect(saved).toBe(true);
    expect(counts.reference).toBe(referenceHashes.length);

    const rerun = runWirefold(['embed', '--db', db]);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`embed: ${counts.texts - counts.articles} texts embedded`);
  }, 120_000);
});

/** Distinct article texts, and the real model's (not the synthetic one's) vectors for them and for the reference sample. */
function embeddingCounts(store: Awaited<ReturnType<typeof openStore>>): { texts: number; articles: number; reference: number } {
  const count = (sql: string, ...values: string[]) => (sqliteDb(store).prepare(sql).get(...values) as { n: number }).n;
  const model = "model_id <> 'synthetic-stream:512'";
  return {
    texts: count('SELECT count(DISTINCT content_hash) AS n FROM articles'),
    articles: count(`SELECT count(*) AS n FROM embeddings WHERE ${model} AND content_hash IN (SELECT content_hash FROM articles)`),
    reference: count(`SELECT count(*) AS n FROM embeddings WHERE ${model} AND content_hash IN (SELECT value FROM json_each(?))`, toJson(referenceHashes)),
  };
}

/** Runs `wirefold embed` and kills it once `chunks` chunks of article vectors are committed; false if it ended first. */
async function killWhenSaved(db: string, chunks: number): Promise<boolean> {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'embed', '--db', db], { cwd: repoRoot, stdio: 'ignore' });
  const reader = await openStore(db, { readOnly: true });
  return new Promise((resolve) => {
    let killed = false;
    const poll = setInterval(() => {
      if (embeddingCounts(reader).articles >= chunks * 256 && !killed) {
        killed = child.kill('SIGKILL');
      }
    }, 20);
    child.on('close', async (_code, signal) => {
      clearInterval(poll);
      await reader.close();
      resolve(killed && signal === 'SIGKILL');
    });
  });
}
