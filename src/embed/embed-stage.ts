// The embed stage: give every article text a vector for the current model, reusing the cache for anything seen before,
// and the model's reference sample its vectors once (reference-articles.ts).
import type { Store } from '../store/store.ts';
import { anyTextMissingEmbedding, loadEmbeddings, saveEmbeddings, textsMissingEmbeddings } from '../store/embeddings.ts';
import { contentHash } from '../store/articles.ts';
import type { Embedder } from './embedder.ts';
import { embeddingText } from './embedder.ts';
import { referenceArticles } from './reference-articles.ts';

export interface EmbedSummary {
  embedded: number;
  model: string;
}

/** Saves in chunks so an interrupted run keeps what it already paid for. */
const chunkSize = 256;

export async function embedArticles(store: Store, embedder: Embedder, onProgress?: (done: number, total: number) => void): Promise<EmbedSummary> {
  // The reference sample comes first: the cluster stage calibrates similarity on it, and a run stopped between chunks
  // must not leave articles with vectors but the model without its sample, or a cluster run before the next embed
  // would place those articles on another scale (and stories are never reclustered).
  await embedReferenceArticles(store, embedder);
  const tasks = await textsMissingEmbeddings(store, embedder.id);
  for (let start = 0; start < tasks.length; start += chunkSize) {
    const chunk = tasks.slice(start, start + chunkSize);
    const vectors = await embedder.embed(chunk.map((task) => embeddingText(task.title, task.summary)));
    await saveEmbeddings(store, embedder.id, chunk.map((task, index) => ({ contentHash: task.contentHash, vector: vectors[index]! })));
    onProgress?.(start + chunk.length, tasks.length);
  }
  return { embedded: tasks.length, model: embedder.id };
}

/**
 * True when the store holds work for the model `modelId` (an Embedder id): a text without its vector, or the
 * reference sample not yet embedded. Lets a run with nothing new skip loading the model at all.
 */
export async function needsEmbedding(store: Store, modelId: string): Promise<boolean> {
  return (await loadEmbeddings(store, modelId, referenceHashes)).size < referenceHashes.length || await anyTextMissingEmbedding(store, modelId);
}

/** Content hashes of the reference sample, under which its vectors are stored like any article's. */
export const referenceHashes = referenceArticles.map(({ title, summary }) => contentHash(title, summary));

/** The reference vectors of an embedder already computed in this process (tests open many stores with one model). */
const referenceVectors = new WeakMap<Embedder, Float32Array[]>();

async function embedReferenceArticles(store: Store, embedder: Embedder): Promise<void> {
  if ((await loadEmbeddings(store, embedder.id, referenceHashes)).size === referenceHashes.length) return;
  let vectors = referenceVectors.get(embedder);
  if (!vectors) {
    vectors = await embedder.embed(referenceArticles.map(({ title, summary }) => embeddingText(title, summary)));
    referenceVectors.set(embedder, vectors);
  }
  await saveEmbeddings(store, embedder.id, referenceHashes.map((hash, index) => ({ contentHash: hash, vector: vectors[index]! })));
}
