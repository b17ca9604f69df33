// The cluster stage's writing step: everything the run decided lands in one transaction, so a run killed at any
// moment leaves the store as before it (the next run places the same articles again) or as after it, never stories
// whose members are saved but whose lead, profile, topics or related list are not (a next run would find nothing
// left to place and never mend them).
import type { Store } from '../../store/store.ts';
import type { Article } from '../../store/articles.ts';
import { loadEmbeddings } from '../../store/embeddings.ts';
import { mergeStories, replaceRelated, saveMemberships, storiesArticles } from '../../store/stories.ts';
import { saveStoryProfiles } from '../../store/story-profiles.ts';
import { assignTopics } from '../topics/topic-stage.ts';
import type { TopicSeed } from '../topics/topics.ts';
import type { RelatedEntry } from '../related/related.ts';
import { storedMerges } from '../stories/place-articles.ts';
import type { Placement, PlacementInput } from '../stories/place-articles.ts';
import { refreshStories } from './refresh.ts';

export interface SaveOptions {
  modelId: string;
  topicSeeds: readonly TopicSeed[];
  now: Date;
}

/**
 * Saves the placement of `input`'s articles in one transaction: memberships, stored stories merged into their
 * survivors, the changed stories refreshed (lead, title, score, counts: from all their members, read back once the
 * memberships are written), their topics (topics/topic-stage.ts, which reads what it needs itself), profiles, and
 * related lists (`relatedLists`, from startRelated). `lap` is the stage's stopwatch: returns the seconds spent
 * refreshing and placing topics.
 */
export async function savePlacement(
  store: Store, options: SaveOptions, input: PlacementInput, placement: Placement,
  relatedLists: () => Promise<Map<string, RelatedEntry[]>>, lap: () => number,
): Promise<{ refresh: number; topics: number }> {
  const { modelId, now } = options;
  const { memberships, changed, profiles } = placement;
  const vectors = new Map(input.vectors);
  const seconds = { refresh: 0, topics: 0 };
  await store.transaction(async () => {
    await saveMemberships(store, memberships, now.toISOString());
    for (const merge of storedMerges(placement)) await mergeStories(store, merge.from, merge.into);
    await refreshStories(store, await changedArticles(store, modelId, input, placement, vectors), vectors, now);
    seconds.refresh = lap();
    const articleIds = memberships.map((membership) => membership.articleId);
    await assignTopics(store, { modelId, seeds: options.topicSeeds, storyIds: changed, articleIds, now, vectors });
    seconds.topics = lap();
    const lists = await relatedLists();
    await saveStoryProfiles(store, modelId, profiles);
    for (const [storyId, list] of lists) await replaceRelated(store, storyId, list);
  });
  return seconds;
}

/**
 * The articles of each changed story, oldest first. A story born in this run holds only articles at hand; the others
 * (stored stories, those that gained no article among them: mend.ts withStaleStories, and survivors of a stored
 * story's merge) are read back, and their earlier members' vectors are added to `vectors` (leads are chosen by
 * vectors).
 */
async function changedArticles(
  store: Store, modelId: string, input: PlacementInput, placement: Placement, vectors: Map<string, Float32Array>,
): Promise<Map<string, Article[]>> {
  const byId = new Map(input.articles.map((article) => [article.id, article]));
  const older = new Set(storedMerges(placement).map((merge) => merge.into));
  const articles = new Map<string, Article[]>();
  for (const { articleId, storyId } of placement.memberships) {
    if (placement.known.has(storyId) || older.has(storyId)) {
      older.add(storyId);
      continue;
    }
    const list = articles.get(storyId);
    if (list) list.push(byId.get(articleId)!);
    else articles.set(storyId, [byId.get(articleId)!]);
  }
  for (const storyId of placement.changed) if (placement.known.has(storyId)) older.add(storyId);
  for (const list of articles.values()) list.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id - b.id);
  const stored = await storiesArticles(store, [...older]);
  const earlier = [...stored.values()].flat().map((article) => article.contentHash).filter((hash) => !vectors.has(hash));
  for (const [hash, vector] of await loadEmbeddings(store, modelId, earlier)) vectors.set(hash, vector);
  return new Map([...articles, ...stored]);
}
