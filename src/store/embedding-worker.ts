// Worker entry for embedding-thread.ts: reads the vectors through its own read-only connection and hands them over
// packed into one buffer, which is transferred, not copied (a driver's blobs may be views into buffers it shares,
// which cannot be transferred: pg's are), or says why it could not.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './store.ts';
import { loadEmbeddings } from './embeddings.ts';
import type { PackedVectors } from './embedding-thread.ts';

const { path, modelId, hashes } = workerData as { path: string; modelId: string; hashes: string[] };
try {
  const store = await openStore(path, { readOnly: true });
  try {
    const vectors = await loadEmbeddings(store, modelId, hashes);
    const lengths = [...vectors.values()].map((vector) => vector.length);
    const floats = new Float32Array(lengths.reduce((sum, length) => sum + length, 0));
    let offset = 0;
    for (const vector of vectors.values()) {
      floats.set(vector, offset);
      offset += vector.length;
    }
    const packed: PackedVectors = { hashes: [...vectors.keys()], lengths, floats };
    parentPort!.postMessage({ packed }, [floats.buffer]);
  } finally {
    await store.close();
  }
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
