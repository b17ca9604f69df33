// An embedder that remembers its vectors in a file, for evaluation: scoring a labelled set again after a clustering
// change re-embeds nothing, which on a shared 2-core machine is most of a run's time. Keyed by the model's id and
// the exact text, so a new model or input recipe simply misses.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../embed/embedder.ts';

export function cachedEmbedder(embedder: Embedder, folder: string): Embedder {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${createHash('sha256').update(embedder.id).digest('hex').slice(0, 16)}.jsonl`);
  const known = new Map<string, Float32Array>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const [key, vector] = JSON.parse(line) as [string, string];
      known.set(key, new Float32Array(new Uint8Array(Buffer.from(vector, 'base64')).buffer));
    }
  }
  const keyOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    async embed(texts) {
      const missing = [...new Set(texts.filter((text) => !known.has(keyOf(text))))];
      if (missing.length) {
        const vectors = await embedder.embed(missing);
        const lines = missing.map((text, index) => {
          known.set(keyOf(text), vectors[index]!);
          return JSON.stringify([keyOf(text), Buffer.from(vectors[index]!.buffer, vectors[index]!.byteOffset, vectors[index]!.byteLength).toString('base64')]);
        });
        appendFileSync(file, `${lines.join('\n')}\n`);
      }
      return texts.map((text) => Float32Array.from(known.get(keyOf(text))!));
    },
  };
}
