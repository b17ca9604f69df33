// Related lists computed on a second thread (a large run's path) agree exactly with those computed in process, and
// a worker that cannot answer leaves the work to the fallback rather than to nobody.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { relatedOf } from '../../src/store/stories.ts';
import { liveStoryIds } from '../../src/store/stories.ts';
import { storyProfiles, storyTermListsSince } from '../../src/store/story-profiles.ts';
import { relatedStories } from '../../src/cluster/related.ts';
import { relatedOnThread } from '../../src/cluster/related-thread.ts';
import { syntheticModelId, syntheticStream, writeStream } from '../../bench/cluster/synthetic-stream.ts';
import { tempFolder } from '../helpers.ts';

describe('related lists on a second thread', () => {
  it('match the lists computed in process, and fall back when the worker has nothing to say', () => {
    const now = new Date('2026-03-31T00:00:00Z');
    const store = openStore(join(tempFolder(), 'related-thread.db'));
    writeStream(store, syntheticStream(1500, now.getTime() - 10 * 86400_000, 10), now.toISOString());
    clusterArticles(store, { modelId: syntheticModelId, topicSeeds: [], now });
    const since = new Date(now.getTime() - 30 * 86400_000).toISOString();
    const ids = liveStoryIds(store);
    const changed = [...storyProfiles(store, syntheticModelId, ids.slice(0, 200)).values()];
    const scale = { background: 0.15, minimum: 0.25 };
    const inProcess = relatedStories(changed, storyTermListsSince(store, syntheticModelId, since),
      (wanted) => storyProfiles(store, syntheticModelId, wanted), scale, (wanted) => relatedOf(store, wanted));
    expect([...inProcess.values()].some((list) => list.length > 0)).toBe(true);

    let fellBack = false;
    const fallback = () => { fellBack = true; return new Map(); };
    const onThread = relatedOnThread({ path: store.path, modelId: syntheticModelId, since, changed, scale }, fallback)();
    expect(fellBack).toBe(false);
    expect(onThread).toEqual(inProcess);

    const broken = relatedOnThread({ path: join(tempFolder(), 'missing.db'), modelId: syntheticModelId, since, changed, scale }, fallback)();
    expect(fellBack).toBe(true);
    expect(broken.size).toBe(0);
    store.close();
  });
});
