// Worker entry for related-thread.ts: reads the candidate stories from its own read-only connection, computes the
// related lists and hands them back, then raises the flag the main thread waits on.
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { openStore } from '../store/store.ts';
import { relatedOf } from '../store/stories.ts';
import { storyProfiles, storyTermListsSince } from '../store/story-profiles.ts';
import type { StoryProfile } from '../store/story-profiles.ts';
import { relatedStories } from './related.ts';
import type { RelatedScale } from './related.ts';

const { path, modelId, since, changed, scale, port, done } = workerData as {
  path: string; modelId: string; since: string; changed: StoryProfile[]; scale: RelatedScale; port: MessagePort; done: Int32Array;
};
try {
  const store = openStore(path, { readOnly: true });
  const lists = relatedStories(changed, storyTermListsSince(store, modelId, since), (ids) => storyProfiles(store, modelId, ids), scale, (ids) => relatedOf(store, ids));
  store.close();
  port.postMessage({ lists: [...lists] });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
