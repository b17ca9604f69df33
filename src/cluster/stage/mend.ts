// Repairs of derived data that the stored memberships already determine. Each commits on its own, outside the run's
// transaction: it changes nothing any story holds, so a run killed after it has lost nothing.
import type { Store } from '../../store/store.ts';
import { loadEmbeddings } from '../../store/embeddings.ts';
import { recentArticleTexts, storiesArticles, storyMembers, unrefreshedStoryIds } from '../../store/stories.ts';
import { saveStoryProfiles, storiesWithoutProfile } from '../../store/story-profiles.ts';
import { profilesFromMembers } from '../stories/profiles.ts';
import { refreshStories } from './refresh.ts';

/**
 * Gives stories that an older Wirefold's interrupted run left with members it never counted (new ones showing 0
 * articles) their lead, title and counts from their members, first, so that this run can add articles to them. Their
 * profiles are then built by the run or by repairMissingProfiles. (Their topics and related lists come when they next
 * gain an article.)
 */
export async function refreshUnrefreshedStories(store: Store, modelId: string, now: Date): Promise<void> {
  const stories = await storiesArticles(store, await unrefreshedStoryIds(store));
  if (!stories.size) return;
  const vectors = await loadEmbeddings(store, modelId, [...stories.values()].flat().map((article) => article.contentHash));
  await store.transaction(() => refreshStories(store, stories, vectors, now));
}

/**
 * Builds the profiles that live stories last published at `since` or later lack (a store from before profiles, a new
 * model, or profiles that ingest dropped when an article's words changed), except those of stories this run changes
 * or merges away (`skip`). It runs before the related lists start: the second thread, which reads only what is
 * committed, then finds them.
 */
export async function repairMissingProfiles(store: Store, modelId: string, since: string, skip: ReadonlySet<string>): Promise<void> {
  const unprofiled = (await storiesWithoutProfile(store, modelId, since)).filter((id) => !skip.has(id));
  if (!unprofiled.length) return;
  // Only their members: after an ingest that changed a few articles' words, a handful of stories among thousands.
  const members = await storyMembers(store, unprofiled);
  const vectors = await loadEmbeddings(store, modelId, members.map((member) => member.contentHash));
  const background = await recentArticleTexts(store, repairBackgroundArticles);
  await saveStoryProfiles(store, modelId, profilesFromMembers(members, vectors, background));
}

/**
 * How many of the newest articles the repaired stories' words are weighed against: a few days of a busy stream, as
 * many as a run's active stories hold (their members over the 72-hour window); reading them costs milliseconds.
 */
const repairBackgroundArticles = 2000;
