// Where the cluster stage starts the changed stories' related lists (related/: the lists are their own part, with
// their own store access).
import type { Store } from '../../store/store.ts';
import type { StoryProfile } from '../../model/story.ts';
import type { RelatedEntry } from '../related/related.ts';
import { relatedFromStore, relatedOnThread } from '../related/related-thread.ts';

/**
 * Minimum similarity of two stories to be related, on the same blend as stories (rescaled cosine of the centroids
 * and TF-IDF cosine of their words). Set so that the sidebar shows fewer stories rather than off-subject ones:
 * measured with `wirefold eval` on ecbplus (share of the top 3 sharing the story's gold topic).
 */
export const relatedThreshold = 0.25;
const relatedHorizonDays = 30;

/** Below this many changed stories the related lists take well under a second, less than starting a thread. */
const relatedThreadMinimum = 2000;

/** The earliest last-published time (ISO 8601) of a story that can be related: 30 days before `now`. */
export function relatedSince(now: Date): string {
  return new Date(now.getTime() - relatedHorizonDays * 86400_000).toISOString();
}

export interface RelatedRequest {
  modelId: string;
  /** relatedSince's cut: candidates are the live stories last published then or later. */
  since: string;
  /** The changed stories, by the profiles the run will save (they are not in the store yet). */
  changed: readonly StoryProfile[];
  /** The stories this run merges away: left out. */
  gone: readonly string[];
  /** The cosine two unrelated articles score with this model (calibrate.ts). */
  background: number;
}

/**
 * Starts the changed stories' related lists: candidates among the live stories since `since` are found by their
 * stored terms, and only those are read whole. The lists are read before the run's writes land, as the second thread
 * sees the store, or after them, as this thread does: both find the same. A run that changed many stories computes
 * the lists on a second thread while this one writes (related-thread.ts). Returns a function that gives the lists.
 */
export function startRelated(store: Store, request: RelatedRequest): () => Promise<Map<string, RelatedEntry[]>> {
  const { modelId, since, changed, gone, background } = request;
  const job = { path: store.path, modelId, since, changed, gone, scale: { background, minimum: relatedThreshold } };
  const here = async () => await relatedFromStore(store, job);
  return changed.length < relatedThreadMinimum || store.path === ':memory:' ? here : relatedOnThread(job, here);
}
