// The embedding cache: one vector per (article content hash, model id), so unchanged words are never embedded twice.
import type { Store } from './store.ts';
import { toJson } from './store.ts';

export interface EmbeddingTask {
  contentHash: string;
  title: string;
  summary: string;
}

/** Distinct article texts that have no vector yet for this model. */
export function textsMissingEmbeddings(store: Store, modelId: string): EmbeddingTask[] {
  const rows = store.db
    .prepare(
      `SELECT a.content_hash, min(a.title) AS title, min(a.summary) AS summary FROM articles a
       WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = a.content_hash AND e.model_id = ?)
       GROUP BY a.content_hash ORDER BY min(a.id)`,
    )
    .all(modelId) as { content_hash: string; title: string; summary: string }[];
  return rows.map((row) => ({ contentHash: row.content_hash, title: row.title, summary: row.summary }));
}

/** True when some article text has no vector for `modelId`: textsMissingEmbeddings without reading the texts. */
export function anyTextMissingEmbedding(store: Store, modelId: string): boolean {
  return store.db.prepare(
    `SELECT 1 FROM articles a
     WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = a.content_hash AND e.model_id = ?) LIMIT 1`,
  ).get(modelId) !== undefined;
}

export function saveEmbeddings(store: Store, modelId: string, entries: readonly { contentHash: string; vector: Float32Array }[]): void {
  const insert = store.db.prepare('INSERT OR REPLACE INTO embeddings (content_hash, model_id, vector) VALUES (?, ?, ?)');
  store.transaction(() => {
    for (const { contentHash, vector } of entries) {
      insert.run(contentHash, modelId, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    }
  });
}

/** The model's most recently stored vectors, at most `limit` (for calibrating its similarity scale). */
export function recentEmbeddings(store: Store, modelId: string, limit: number): Float32Array[] {
  const rows = store.db
    .prepare('SELECT vector FROM embeddings WHERE model_id = ? ORDER BY rowid DESC LIMIT ?')
    .all(modelId, limit) as { vector: Uint8Array }[];
  return rows.map((row) => floatsOf(row.vector));
}

/** Vectors for the given content hashes; hashes without one are absent from the map. */
export function loadEmbeddings(store: Store, modelId: string, hashes: readonly string[]): Map<string, Float32Array> {
  const vectors = new Map<string, Float32Array>();
  if (hashes.length === 0) return vectors;
  const rows = store.db
    .prepare('SELECT content_hash, vector FROM embeddings WHERE model_id = ? AND content_hash IN (SELECT value FROM json_each(?))')
    // Unique and in key order: the primary key's pages are then visited once each, in order.
    .all(modelId, toJson([...new Set(hashes)].sort())) as { content_hash: string; vector: Uint8Array }[];
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
