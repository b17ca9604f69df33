// The cluster stage: place new articles into stories, refresh the stories that changed (lead, title, score), their
// topics, and the related-stories lists; a story changes when it gains articles, merges, or when a member's words
// changed (a corrected headline). Only what changed is touched; history is never reclustered. Stories are
// compared through their stored profiles (src/store/story-profiles.ts): a run reads one row per story it considers,
// and members' vectors only for the stories it changes. It reads as load (stage/load.ts) → place
// (stories/place-articles.ts, pure) → save (stage/save.ts, one transaction).
import type { Store } from '../store/store.ts';
import { liveStoryCount } from '../store/stories.ts';
import type { TopicSeed } from './topics/topics.ts';
import { placeArticles, storedMerges } from './stories/place-articles.ts';
import { loadPlacementInput } from './stage/load.ts';
import { refreshUnrefreshedStories, staleStoryProfiles, withStaleStories } from './stage/mend.ts';
import { relatedSince, startRelated } from './stage/related-lists.ts';
import { savePlacement } from './stage/save.ts';
import { stopwatch } from '../stopwatch.ts';

export interface ClusterOptions {
  modelId: string;
  topicSeeds: readonly TopicSeed[];
  now?: Date;
}

export interface ClusterSummary {
  clustered: number;
  waiting: number;
  newStories: number;
  changedStories: number;
  stories: number;
  /**
   * Seconds spent reading (load: the repairs of an older run's stories and every read of the placement's input),
   * making stories (the placement, the run's word counts included, and starting the related lists), saving them and
   * refreshing their leads and scores, placing topics, and relating stories (on a large run only the wait for the
   * second thread, see startRelated).
   */
  seconds: { load: number; stories: number; refresh: number; topics: number; related: number };
}

/**
 * Clusters the store's articles that have a vector for `options.modelId` but no story yet, as of `options.now`
 * (default: the clock). Returns what it did and where the time went; store errors propagate, with the run's writes
 * rolled back.
 */
export async function clusterArticles(store: Store, options: ClusterOptions): Promise<ClusterSummary> {
  const { modelId } = options;
  const now = options.now ?? new Date();
  const lap = stopwatch();
  await refreshUnrefreshedStories(store, modelId, now);
  const { input, waiting } = await loadPlacementInput(store, modelId);
  const load = lap();

  const placed = placeArticles(input);
  const gone = storedMerges(placed).map((merge) => merge.from);
  const since = relatedSince(now);
  // Stories whose members' words changed since they were saved (ingest dropped their profiles) change with this run.
  const placement = withStaleStories(placed, await staleStoryProfiles(store, modelId, since, new Set([...placed.changed, ...gone])));
  const relatedLists = startRelated(store, { modelId, since, changed: placement.profiles, gone, background: input.background });
  const stories = lap();

  const { refresh, topics } = await savePlacement(store, { modelId, topicSeeds: options.topicSeeds, now }, input, placement, relatedLists, lap);
  const related = lap();

  return {
    clustered: input.articles.length,
    waiting,
    newStories: placement.changed.filter((id) => !placement.known.has(id)).length,
    changedStories: placement.changed.length,
    stories: await liveStoryCount(store),
    seconds: { load, stories, refresh, topics, related },
  };
}
