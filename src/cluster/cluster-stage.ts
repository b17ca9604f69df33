// The cluster stage: place new articles into stories, refresh the stories that changed (lead, title, score), their
// topics, and the related-stories lists. Only what changed is touched; history is never reclustered.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { Article } from '../store/articles.ts';
import { getArticles, unclusteredArticles } from '../store/articles.ts';
import { loadEmbeddings } from '../store/embeddings.ts';
import { activeStoryMembers, liveStoryIds, membersOf, replaceRelated, saveMemberships, storyArticles, updateStory } from '../store/stories.ts';
import { ensureTopic, setStoryTopics } from '../store/topics.ts';
import { StoryClusterer, defaultStoryConfig } from './story-clusterer.ts';
import type { ClusterArticle, StoryCluster } from './story-clusterer.ts';
import { backgroundSimilarity, thresholdAbove } from './calibrate.ts';
import type { SimilarityScale } from './calibrate.ts';
import { salientTerms } from './terms.ts';
import { addInto, normalized } from './vectors.ts';
import { chooseLead, storyScore } from './lead.ts';
import { relatedStories } from './related.ts';
import { keywordWeight } from './topics.ts';
import type { TopicSeed } from './topics.ts';

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
}

/** How far from random-pair similarity towards identity an article must be to join a story, or to be related. */
export const storyThreshold = 0.45;
export const relatedThreshold = 0.25;
const relatedHorizonDays = 30;

export function clusterArticles(store: Store, options: ClusterOptions): ClusterSummary {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const pending = unclusteredArticles(store);
  const vectors = loadEmbeddings(store, options.modelId, pending.map((article) => article.contentHash));
  const ready = pending.filter((article) => vectors.has(article.contentHash));
  const readyById = new Map(ready.map((article) => [article.id, article]));
  const scale = storeSimilarityScale(store, options.modelId);

  const clusterer = new StoryClusterer(
    { ...defaultStoryConfig, threshold: thresholdAbove(scale, storyThreshold) },
    (article) => storyIdFor(readyById.get(article.id)!),
    ready.length ? activeStories(store, options.modelId, earliest(ready) - defaultStoryConfig.windowHours * 3600_000) : [],
  );
  const memberships = ready.map((article) => ({
    articleId: article.id,
    storyId: clusterer.add(toClusterArticle(article, vectors.get(article.contentHash)!)),
  }));
  const knownStories = new Set(liveStoryIds(store));
  saveMemberships(store, memberships, nowIso);

  const changed = [...new Set(memberships.map((membership) => membership.storyId))];
  store.transaction(() => {
    const topicIds = options.topicSeeds.map((seed) => ({
      seed,
      id: ensureTopic(store, { slug: seed.slug, label: seed.name, description: seed.description, keywords: seed.keywords, origin: 'seed' }, nowIso),
    }));
    for (const storyId of changed) refreshStory(store, storyId, options.modelId, topicIds, now);
  });
  store.transaction(() => refreshRelated(store, options.modelId, scale, now));

  return {
    clustered: ready.length,
    waiting: pending.length - ready.length,
    newStories: changed.filter((id) => !knownStories.has(id)).length,
    changedStories: changed.length,
    stories: liveStoryIds(store).length,
  };
}

function refreshStory(store: Store, storyId: string, modelId: string, topics: { seed: TopicSeed; id: number }[], now: Date): void {
  const articles = storyArticles(store, storyId);
  const vectors = loadEmbeddings(store, modelId, articles.map((article) => article.contentHash));
  const sum = sumOf(articles, vectors);
  const lead = chooseLead(articles, vectors, sum);
  updateStory(store, {
    id: storyId,
    title: lead.title,
    leadArticleId: lead.id,
    score: storyScore(articles, now.getTime()),
    firstPublishedAt: articles[0]!.publishedAt,
    lastPublishedAt: articles.at(-1)!.publishedAt,
    articleCount: articles.length,
    sourceCount: new Set(articles.map((article) => article.source)).size,
  }, now.toISOString());

  const texts = articles.map((article) => `${article.title} ${article.summary} ${article.categories.join(' ')}`);
  const matches = topics
    .map((topic) => ({ topicId: topic.id, weight: keywordWeight(texts, topic.seed.keywords) }))
    .filter((topic) => topic.weight >= 0.34);
  setStoryTopics(store, storyId, matches, now.toISOString());
}

function refreshRelated(store: Store, modelId: string, scale: SimilarityScale, now: Date): void {
  const since = new Date(now.getTime() - relatedHorizonDays * 86400_000).toISOString();
  const ids = liveStoryIds(store, since);
  const members = membersOf(store, ids);
  const centroids = ids.flatMap((id) => {
    const articles = getArticles(store, members.get(id) ?? []);
    const sum = sumOf(articles, loadEmbeddings(store, modelId, articles.map((article) => article.contentHash)));
    return sum ? [{ id, centroid: normalized(sum) }] : [];
  });
  const related = relatedStories(centroids, thresholdAbove(scale, relatedThreshold));
  for (const [storyId, list] of related) replaceRelated(store, storyId, list);
}

function activeStories(store: Store, modelId: string, sinceMs: number): StoryCluster[] {
  return activeStoryMembers(store, new Date(sinceMs).toISOString()).flatMap(({ storyId, articleIds }) => {
    const articles = getArticles(store, articleIds);
    const vectors = loadEmbeddings(store, modelId, articles.map((article) => article.contentHash));
    const sum = sumOf(articles, vectors);
    if (!sum) return [];
    const times = articles.map((article) => Date.parse(article.publishedAt));
    return [{
      id: storyId,
      articleIds,
      sum,
      firstTime: Math.min(...times),
      lastTime: Math.max(...times),
      terms: new Set(articles.flatMap((article) => salientTerms(article.title))),
    }];
  });
}

function storeSimilarityScale(store: Store, modelId: string): SimilarityScale {
  const rows = store.db
    .prepare('SELECT vector FROM embeddings WHERE model_id = ? ORDER BY rowid DESC LIMIT 2000')
    .all(modelId) as { vector: Uint8Array }[];
  return backgroundSimilarity(rows.map((row) => new Float32Array(new Uint8Array(row.vector).buffer)));
}

function sumOf(articles: readonly Article[], vectors: Map<string, Float32Array>): Float32Array | null {
  let sum: Float32Array | null = null;
  for (const article of articles) {
    const vector = vectors.get(article.contentHash);
    if (!vector) continue;
    sum ??= new Float32Array(vector.length);
    addInto(sum, vector);
  }
  return sum;
}

function toClusterArticle(article: Article, vector: Float32Array): ClusterArticle {
  return { id: article.id, vector, time: Date.parse(article.publishedAt), source: article.source, title: article.title };
}

/** A story is named after its first article, so its id (and URL) never changes as it grows. */
function storyIdFor(article: Article): string {
  const key = article.canonicalUrl ?? `${article.feedId}:${article.contentHash}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

function earliest(articles: readonly Article[]): number {
  return Math.min(...articles.map((article) => Date.parse(article.publishedAt)));
}
