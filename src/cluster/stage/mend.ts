// Mending what the stored memberships already determine but a story's derived data no longer shows.
// refreshUnrefreshedStories commits on its own, outside the run's transaction: it changes nothing any story holds, so
// a run killed after it has lost nothing. staleStoryProfiles only reads: the run saves what it finds as changed
// stories, in its one transaction.
import type { Store } from '../../store/store.ts';
import { loadEmbeddings } from '../../store/embeddings.ts';
import { recentArticleTexts, storiesArticles, storyMembers, unrefreshedStoryIds } from '../../store/stories.ts';
import { storiesWithoutProfile } from '../../store/story-profiles.ts';
import type { StoryProfile } from '../../store/story-profiles.ts';
import { profilesFromMembers } from '../stories/profiles.ts';
import type { Placement } from '../stories/place-articles.ts';
import { refreshStories } from './refresh.ts';

/**
 * Gives stories that an older Wirefold's interrupted run left with members it never counted (new ones showing 0
 * articles) their lead, title and counts from their members, first, so that this run can add articles to them. Their
 * profiles are then built by the run or by staleStoryProfiles, which also makes them changed stories of the run.
 */
export async function refreshUnrefreshedStories(store: Store, modelId: string, now: Date): Promise<void> {
  const stories = await storiesArticles(store, await unrefreshedStoryIds(store));
  if (!stories.size) return;
  const vectors = await loadEmbeddings(store, modelId, [...stories.values()].flat().map((article) => article.contentHash));
  await store.transaction(() => refreshStories(store, stories, vectors, now));
}

/**
 * Profiles built from their members for the live stories last published at `since` or later that lack one, except
 * those this run changes or merges away (`skip`); a story none of whose members has a vector yet gets none (it is
 * found again by a later run). A story lacks its profile when ingest dropped it because a member's words changed (a
 * corrected headline, a new summary or date: src/store/articles.ts saveFeedItems), in a store from before profiles, or
 * under a new model. In each case what the story shows from its members (lead, title, dates, score, topics, related
 * list) may be out of date as well, so the run saves these stories as changed ones (withStaleStories). A run with
 * nothing new finds none in one query.
 */
export async function staleStoryProfiles(store: Store, modelId: string, since: string, skip: ReadonlySet<string>): Promise<StoryProfile[]> {
  const unprofiled = (await storiesWithoutProfile(store, modelId, since)).filter((id) => !skip.has(id));
  if (!unprofiled.length) return [];
  // Only their members: after an ingest that changed a few articles' words, a handful of stories among thousands.
  const members = await storyMembers(store, unprofiled);
  const vectors = await loadEmbeddings(store, modelId, members.map((member) => member.contentHash));
  const background = await recentArticleTexts(store, repairBackgroundArticles);
  return profilesFromMembers(members, vectors, background);
}

/**
 * The placement with the stale stories (staleStoryProfiles: stored stories, none of them in the placement) added as
 * changed ones: the save refreshes their lead, title, dates and score from all their members, places their topics,
 * saves their profiles and remakes their related lists, as for a story that gained an article.
 */
export function withStaleStories(placement: Placement, stale: readonly StoryProfile[]): Placement {
  if (!stale.length) return placement;
  const ids = stale.map((profile) => profile.id);
  return {
    ...placement,
    known: new Set([...placement.known, ...ids]),
    changed: [...placement.changed, ...ids],
    profiles: [...placement.profiles, ...stale],
  };
}

/**
 * How many of the newest articles the repaired stories' words are weighed against: a few days of a busy stream, as
 * many as a run's active stories hold (their members over the 72-hour window); reading them costs milliseconds.
 */
const repairBackgroundArticles = 2000;
