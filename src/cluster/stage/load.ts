// The cluster stage's reading step: everything the placement needs, read at once into a plain PlacementInput.
import type { Store } from '../../store/store.ts';
import type { Article } from '../../store/articles.ts';
import { unclusteredArticles } from '../../store/articles.ts';
import { loadEmbeddings, recentEmbeddings } from '../../store/embeddings.ts';
import { liveStoryMembers } from '../../store/stories.ts';
import { storyProfiles } from '../../store/story-profiles.ts';
import { referenceHashes } from '../../embed/embed-stage.ts';
import { backgroundSimilarity } from '../text/calibrate.ts';
import type { SimilarityScale } from '../text/calibrate.ts';
import { defaultStoryConfig } from '../stories/story-clusterer.ts';
import type { PlacementInput } from '../stories/place-articles.ts';

/**
 * Reads the articles no story holds yet that have a vector for `modelId` (the others wait for the embed stage:
 * `waiting` counts them), the members of the stories that can still take them (latest article no more than the story
 * window before the earliest new article), those stories' stored profiles, the vectors of members whose story has
 * none, and the model's similarity scale.
 */
export async function loadPlacementInput(store: Store, modelId: string): Promise<{ input: PlacementInput; waiting: number }> {
  const pending = await unclusteredArticles(store);
  const vectors = await loadEmbeddings(store, modelId, pending.map((article) => article.contentHash));
  const articles = pending.filter((article) => vectors.has(article.contentHash));
  const scale = await storeSimilarityScale(store, modelId);
  const members = articles.length ? await liveStoryMembers(store, new Date(earliest(articles) - defaultStoryConfig.windowHours * 3600_000).toISOString()) : [];
  const profiles = await storyProfiles(store, modelId, [...new Set(members.map((member) => member.storyId))]);
  const unprofiled = members.filter((member) => !profiles.has(member.storyId)).map((member) => member.contentHash);
  for (const [hash, vector] of await loadEmbeddings(store, modelId, unprofiled)) vectors.set(hash, vector);
  return { input: { articles, vectors, members, profiles, background: scale.mean }, waiting: pending.length - articles.length };
}

/**
 * What two unrelated articles score with this model: measured on the reference sample the embed stage stored, the
 * same on every run; for vectors made elsewhere (the benchmarks' synthetic ones), on the store's recent articles.
 */
async function storeSimilarityScale(store: Store, modelId: string): Promise<SimilarityScale> {
  const reference = await loadEmbeddings(store, modelId, referenceHashes);
  return backgroundSimilarity(reference.size >= referenceHashes.length / 2 ? [...reference.values()] : await recentEmbeddings(store, modelId, 2000));
}

/** Milliseconds since the epoch of the earliest article's date. */
function earliest(articles: readonly Article[]): number {
  return Math.min(...articles.map((article) => Date.parse(article.publishedAt)));
}
