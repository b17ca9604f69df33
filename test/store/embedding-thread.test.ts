// Vectors read on a second thread (store/embedding-thread.ts) are the vectors loadEmbeddings reads, on both backends;
// a thread that cannot read the store answers nothing, and the caller then reads them itself.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { loadEmbeddings, saveEmbeddings } from '../../src/store/embeddings.ts';
import { loadEmbeddingsOnThread, readOnThread } from '../../src/store/embedding-thread.ts';
import { backends } from '../backends.ts';

const modelId = 'thread-test:8';
/** Above the thread's minimum (10,000), so loadEmbeddingsOnThread takes the thread. */
const count = 10_500;

function vectors(): { contentHash: string; vector: Float32Array }[] {
  return Array.from({ length: count }, (_, index) => ({
    contentHash: `hash-${String(index).padStart(6, '0')}`,
    vector: Float32Array.from({ length: 8 }, (_, dimension) => Math.sin(index * 8 + dimension)),
  }));
}

describe.each(backends)('vectors read on a second thread, on $name', (backend) => {
  it('are the vectors loadEmbeddings reads, hashes without one left out', async () => {
    const location = await backend.fresh('embedding-thread');
    const store = await openStore(location);
    try {
      await saveEmbeddings(store, modelId, vectors());
      const asked = [...vectors().map((entry) => entry.contentHash), 'hash-none'];
      const here = await loadEmbeddings(store, modelId, asked);
      const there = await readOnThread(store.path, modelId, asked);
      expect(there).not.toBeNull();
      expect(there!.size).toBe(count);
      expect([...there!.keys()]).toEqual([...here.keys()]);
      for (const [hash, vector] of here) expect(Array.from(there!.get(hash)!)).toEqual(Array.from(vector));
      expect((await loadEmbeddingsOnThread(store, modelId, asked)).get('hash-010499')).toEqual(here.get('hash-010499'));
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('a thread that cannot read the store', () => {
  it('answers nothing, and the caller reads the vectors itself', async () => {
    const location = await backends[0]!.fresh('embedding-thread-gone');
    const store = await openStore(location);
    try {
      await saveEmbeddings(store, modelId, vectors());
      const asked = vectors().map((entry) => entry.contentHash);
      const here = await loadEmbeddings(store, modelId, asked);
      // The open connection still reads the removed file; a new one cannot open it.
      rmSync(location);
      expect(await readOnThread(store.path, modelId, asked)).toBeNull();
      const read = await loadEmbeddingsOnThread(store, modelId, asked);
      expect(read.size).toBe(count);
      expect(Array.from(read.get('hash-000042')!)).toEqual(Array.from(here.get('hash-000042')!));
    } finally {
      await store.close();
    }
  }, 60_000);
});
