// Reading many vectors on a second thread. A first run's cluster stage reads tens of thousands of vectors (2 KB each
// for a 512-wide model): about a second of SQLite work that nothing else on the main thread waits for until the
// articles are placed. Read beside the main thread's own reading and word counting, they cost the main thread only
// their hand-over: the vectors come packed in one buffer, transferred, not copied (measured on bench/cluster's
// 50,000-article stream: 39,509 vectors, 1.1 s of main-thread CPU read here against 0.08 s handed over).
import { Worker } from 'node:worker_threads';
import type { Store } from './store.ts';
import { loadEmbeddings } from './embeddings.ts';

/**
 * Below this many vectors the read takes under a quarter of a second (about 25 µs a vector), less than starting a
 * thread that loads the store's modules (about 0.2 s): they are read on this thread.
 */
const threadMinimum = 10_000;

/**
 * loadEmbeddings (vectors by content hash; hashes without one are absent), read on a second thread through its own
 * read-only connection when there are many, so this thread can work meanwhile; the caller must not write vectors
 * for these hashes before the promise settles. If the thread cannot start, fails or ends without an answer, the
 * vectors are read on this thread instead: the result is the same either way, and store errors reject.
 */
export async function loadEmbeddingsOnThread(store: Store, modelId: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
  const read = hashes.length >= threadMinimum && store.path !== ':memory:' ? await readOnThread(store.path, modelId, hashes) : null;
  return read ?? await loadEmbeddings(store, modelId, hashes);
}

/**
 * Reads the vectors of `hashes` on a new thread from the store at `path` (a file or a PostgreSQL URL): the same map
 * loadEmbeddings gives, or null if the thread could not start, failed (a store it cannot open or read) or ended
 * without an answer.
 */
export function readOnThread(path: string, modelId: string, hashes: readonly string[]): Promise<Map<string, Float32Array> | null> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./embedding-worker.ts', import.meta.url), { workerData: { path, modelId, hashes } });
  } catch {
    return Promise.resolve(null);
  }
  return new Promise<Map<string, Float32Array> | null>((resolve) => {
    worker.once('message', (reply: { packed?: PackedVectors }) => resolve(reply.packed ? unpacked(reply.packed) : null));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  }).finally(() => void worker.terminate());
}

/** Vectors in one buffer, as the worker hands them over: the i-th hash's vector is the i-th run of `lengths` floats. */
export interface PackedVectors {
  hashes: string[];
  lengths: number[];
  floats: Float32Array;
}

/** The map of packed vectors, each a view into the one buffer. */
function unpacked({ hashes, lengths, floats }: PackedVectors): Map<string, Float32Array> {
  const vectors = new Map<string, Float32Array>();
  let offset = 0;
  for (const [index, hash] of hashes.entries()) {
    vectors.set(hash, floats.subarray(offset, offset + lengths[index]!));
    offset += lengths[index]!;
  }
  return vectors;
}
