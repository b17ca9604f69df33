// The embedding cache: one vector per (article content hash, model id), so unchanged words are never embedded twice.
import type { EmbeddingTask } from '../model/article.ts';
export type { EmbeddingTask } from '../model/article.ts';
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';

/** Distinct article texts that have no vector yet for this model, in the order their first article was stored. */
export async function textsMissingEmbeddings(store: Store, modelId: string): Promise<EmbeddingTask[]> {
  const rows = await sqlOf(store).all<{ content_hash: string; title: string; summary: string }>(
    `SELECT a.content_hash, min(a.title) AS title, min(a.summary) AS summary FROM articles a
     WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = a.content_hash AND e.model_id = ?)
     GROUP BY a.content_hash ORDER BY min(a.id)`, [modelId]);
  return rows.map((row) => ({ contentHash: row.content_hash, title: row.title, summary: row.summary }));
}

/** True when some article text has no vector for `modelId`: textsMissingEmbeddings without reading the texts. */
export async function anyTextMissingEmbedding(store: Store, modelId: string): Promise<boolean> {
  return (await sqlOf(store).get(
    `SELECT 1 AS found FROM articles a
     WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = a.content_hash AND e.model_id = ?) LIMIT 1`, [modelId])) !== undefined;
}

/** Stores vectors (float32, any length) for content hashes, replacing any the model had; one transaction. */
export async function saveEmbeddings(store: Store, modelId: string, entries: readonly { contentHash: string; vector: Float32Array }[]): Promise<void> {
  const q = sqlOf(store);
  await store.transaction(async () => {
    for (const { contentHash, vector } of entries) {
      await q.run(`INSERT INTO embeddings (content_hash, model_id, vector) VALUES (?, ?, ?)
                   ON CONFLICT (content_hash, model_id) DO UPDATE SET vector = excluded.vector`,
        [contentHash, modelId, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)]);
    }
  });
}

/**
 * The model's most recently stored vectors, at most `limit` (for calibrating its similarity scale). SQLite orders
 * by rowid; PostgreSQL by the row's place in the table (ctid), which follows insertion order closely enough for a
 * sample.
 */
export async function recentEmbeddings(store: Store, modelId: string, limit: number): Promise<Float32Array[]> {
  const q = sqlOf(store);
  const order = q.dialect === 'sqlite' ? 'rowid' : 'ctid';
  const rows = await q.all<{ vector: Uint8Array }>(`SELECT vector FROM embeddings WHERE model_id = ? ORDER BY ${order} DESC LIMIT ?`, [modelId, limit]);
  return rows.map((row) => floatsOf(row.vector));
}

/** Vectors for the given content hashes; hashes without one are absent from the map. */
export async function loadEmbeddings(store: Store, modelId: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  if (hashes.length === 0) return vectors;
  const rows = await sqlOf(store).all<{ content_hash: string; vector: Uint8Array }>(
    'SELECT content_hash, vector FROM embeddings WHERE model_id = ? AND content_hash IN (SELECT value FROM json_each(?))',
    // Unique and in key order: the primary key's pages are then visited once each, in order.
    [modelId, [...new Set(hashes)].sort()]);
  for (const row of rows) vectors.set(row.content_hash, floatsOf(row.vector));
  return vectors;
}

/**
 * A stored vector's floats. node:sqlite gives each blob its own buffer, which a Float32Array can view as it is
 * (copying 50,000 vectors costs a few hundred milliseconds); a blob at an odd offset is copied to align it.
 */
export function floatsOf(blob: Uint8Array): Float32Array {
  return blob.byteOffset % 4 === 0 ? new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4) : new Float32Array(new Uint8Array(blob).buffer);
}
