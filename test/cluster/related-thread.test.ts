// Related lists computed on a second thread (a large run's path) agree exactly with those computed in process, also
// while the run's transaction is open, and a worker that cannot answer leaves the work to the fallback rather than to
// nobody.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { liveStoryIds, mergeStories, relatedOf } from '../../src/store/stories.ts';
import { storyProfiles, storyTermListsSince } from '../../src/store/story-profiles.ts';
import { relatedStories } from '../../src/cluster/related/related.ts';
import { relatedFromStore, relatedOnThread } from '../../src/cluster/related/related-thread.ts';
import { syntheticModelId, syntheticStream, writeStream } from '../../bench/cluster/synthetic-stream.ts';
import { tempFolder } from '../helpers.ts';

describe('related lists on a second thread', () => {
  it('match the lists computed in process, and fall back when the worker has nothing to say', async () => {
    const { store, since, changed, scale } = await clusteredStream('related-thread.db');
    const inProcess = await relatedStories(changed, await storyTermListsSince(store, syntheticModelId, since),
      (wanted) => storyProfiles(store, syntheticModelId, wanted), scale, (wanted) => relatedOf(store, wanted));
    expect([...inProcess.values()].some((list) => list.length > 0)).toBe(true);

    let fellBack = false;
    const fallback = async () => { fellBack = true; return new Map(); };
    const onThread = await relatedOnThread({ path: store.path, modelId: syntheticModelId, since, changed, gone: [], scale }, fallback)();
    expect(fellBack).toBe(false);
    expect(onThread).toEqual(inProcess);

    const broken = await relatedOnThread({ path: join(tempFolder(), 'missing.db'), modelId: syntheticModelId, since, changed, gone: [], scale }, fallback)();
    expect(fellBack).toBe(true);
    expect(broken.size).toBe(0);
    await store.close();
  });

  it('leave out a story the run merges away, whether they read the store before its transaction commits or inside it', async () => {
    const { store, since, ids, changed, scale } = await clusteredStream('related-gone.db');
    const before = await relatedFromStore(store, { path: store.path, modelId: syntheticModelId, since, changed, gone: [], scale });
    const changedIds = new Set(changed.map((story) => story.id));
    const gone = [...before.values()].flat().map((entry) => entry.id).find((id) => !changedIds.has(id))!;
    const survivor = ids.find((id) => id !== gone && !changedIds.has(id))!;
    const mentions = (lists: Map<string, { id: string }[]>) => [...lists].some(([id, list]) => id === gone || list.some((entry) => entry.id === gone));
    expect(mentions(before)).toBe(true);

    await store.transaction(async () => {
      // The merge is not committed: the worker still reads the story as live, this thread reads it as merged.
      await mergeStories(store, gone, survivor);
      const job = { path: store.path, modelId: syntheticModelId, since, changed, gone: [gone], scale };
      const here = await relatedFromStore(store, job);
      const fallback = async () => new Map();
      expect(mentions(here)).toBe(false);
      expect(await relatedOnThread(job, fallback)()).toEqual(here);
      expect(await relatedOnThread({ ...job, gone: [] }, fallback)()).not.toEqual(here);
    });
    await store.close();
  });
});

/** A clustered synthetic stream, with 200 of its stories taken as the ones a run changed. */
async function clusteredStream(file: string) {
  const now = new Date('2026-03-31T00:00:00Z');
  const store = await openStore(join(tempFolder(), file));
  await writeStream(store, syntheticStream(1500, now.getTime() - 10 * 86400_000, 10), now.toISOString());
  await clusterArticles(store, { modelId: syntheticModelId, topicSeeds: [], now });
  const since = new Date(now.getTime() - 30 * 86400_000).toISOString();
  const ids = await liveStoryIds(store);
  const changed = [...(await storyProfiles(store, syntheticModelId, ids.slice(0, 200))).values()];
  return { store, since, ids, changed, scale: { background: 0.15, minimum: 0.25 } };
}
