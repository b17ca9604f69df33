// Related lists on a second thread. A large run (a first import) changes thousands of stories, and comparing each
// with its candidates takes seconds that need nothing the run writes: the lists are computed beside the
// run's writes and collected afterwards. The worker reads the store through its own read-only connection, so it sees
// the store as it was before the run's transaction; the main thread writes the lists, so the store keeps one writer.
import type { Worker } from 'node:worker_threads';
import { firstAnswer, startWorkerThread } from '../../worker-thread.ts';
import type { Store } from '../../store/store.ts';
import { relatedOf } from '../../store/stories.ts';
import { storyProfiles, storyTermListsSince } from '../../store/story-profiles.ts';
import type { StoryProfile } from '../../store/story-profiles.ts';
import { relatedStories } from './related.ts';
import type { RelatedEntry, RelatedScale } from './related.ts';

export interface RelatedJob {
  path: string;
  modelId: string;
  since: string;
  changed: readonly StoryProfile[];
  /** Stories the run merges away: still live in what the worker reads, since the run has not committed yet. */
  gone: readonly string[];
  scale: RelatedScale;
}

/**
 * The job's lists, read through `store`, on either thread: stories the run merges away are left out whether or not
 * the store still shows them live, so the lists are the same before and after the run's writes.
 */
export async function relatedFromStore(store: Store, job: RelatedJob): Promise<Map<string, RelatedEntry[]>> {
  // No changed story, no list to change (relatedStories would return none): a run with nothing to place does not read
  // the 30 days of stories' terms (0.15-0.19 s on bench/cluster's 50k store).
  if (job.changed.length === 0) return new Map();
  const gone = new Set(job.gone);
  const others = (await storyTermListsSince(store, job.modelId, job.since)).filter((story) => !gone.has(story.id));
  return relatedStories(job.changed, others, (ids) => storyProfiles(store, job.modelId, ids), job.scale, (ids) => relatedOf(store, ids));
}

/** The longest the main thread waits for the lists before computing them itself. */
const patienceMs = 300_000;

/**
 * Starts the job and returns a function that waits for its lists; `fallback` computes them on this thread if the
 * worker fails (at once: an error, or an exit without an answer) or does not answer within patienceMs.
 */
export function relatedOnThread(job: RelatedJob, fallback: () => Promise<Map<string, RelatedEntry[]>>): () => Promise<Map<string, RelatedEntry[]>> {
  let worker: Worker;
  try {
    worker = startWorkerThread(new URL('./related-worker.ts', import.meta.url), { workerData: job });
  } catch {
    return fallback;
  }
  const reply = firstAnswer<{ lists?: [string, RelatedEntry[]][]; error?: string }>(worker, patienceMs);
  return async () => {
    const answer = await reply;
    void worker.terminate();
    return answer?.lists ? new Map(answer.lists) : fallback();
  };
}
