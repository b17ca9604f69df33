// The embed stage: give every article text a vector for the current model, reusing the cache for anything seen before.
import type { Store } from '../store/store.ts';
import { saveEmbeddings, textsMissingEmbeddings } from '../store/embeddings.ts';
import type { Embedder } from './embedder.ts';
import { embeddingText } from './embedder.ts';

export interface EmbedSummary {
  embedded: number;
  model: string;
}

/** Saves in chunks so an interrupted run keeps what it already paid for. */
const chunkSize = 256;

export async function embedArticles(store: Store, embedder: Embedder, onProgress?: (done: number, total: number) => void): Promise<EmbedSummary> {
  const tasks = textsMissingEmbeddings(store, embedder.id);
  for (let start = 0; start < tasks.length; start += chunkSize) {
    const chunk = tasks.slice(start, start + chunkSize);
    const vectors = await embedder.embed(chunk.map((task) => embeddingText(task.title, task.summary)));
    saveEmbeddings(store, embedder.id, chunk.map((task, index) => ({ contentHash: task.contentHash, vector: vectors[index]! })));
    onProgress?.(start + chunk.length, tasks.length);
  }
  return { embedded: tasks.length, model: embedder.id };
}
