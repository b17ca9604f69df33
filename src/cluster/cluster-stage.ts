// The cluster stage: place new articles into stories, refresh the stories that changed (lead, title, score), their
// topics, and the related-stories lists. Only what changed is touched; history is never reclustered.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { Article } from '../store/articles.ts';
import { unclusteredArticles } from '../store/articles.ts';
import { loadEmbeddings, recentEmbeddings } from '../store/embeddings.ts';
import { liveStoryIds, liveStoryMemberVectors, mergeStories, relatedOf, replaceRelated, saveMemberships, storiesArticles, updateStory } from '../store/stories.ts';
import type { MemberVector } from '../store/stories.ts';
import { StoryClusterer, defaultStoryConfig, wordShare } from './story-clusterer.ts';
import type { StoryCluster } from './story-clusterer.ts';
import { backgroundSimilarity } from './calibrate.ts';
import type { SimilarityScale } from './calibrate.ts';
import { addSparse, feedTermCounts, inverseDocumentFrequencies, tfidf, unitSparse } from './lexical.ts';
import type { TermVector } from './lexical.ts';
import { addInto, normalized } from './vectors.ts';
import { chooseLead, storyScore } from './lead.ts';
import { relatedStories } from './related.ts';
import { assignTopics } from './topic-stage.ts';
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

/**
 * Minimum similarity of two stories to be related, on the same blend as stories (rescaled cosine of the centroids
 * and TF-IDF cosine of their words). Set so that the sidebar shows fewer stories rather than off-subject ones:
 * measured with `wirefold eval` on ecbplus (share of the top 3 sharing the story's gold topic).
 */
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

  // Every vector this run touches, by content hash: the new articles' and those of the stories still taking articles.
  const active = ready.length ? liveStoryMemberVectors(store, options.modelId, new Date(earliest(ready) - defaultStoryConfig.windowHours * 3600_000).toISOString()) : [];
  for (const member of active) vectors.set(member.contentHash, member.vector);
  // Word weights come from the stream this run works with: the active stories' articles and the new ones.
  const terms = feedTermCounts([...active, ...ready].map(({ contentHash, feedId, title, summary }) => ({ key: contentHash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  const words = (contentHash: string) => tfidf(terms.get(contentHash)!.counts, idf);
  const wordCount = (contentHash: string) => terms.get(contentHash)!.words;

  const clusterer = new StoryClusterer(
    { ...defaultStoryConfig, background: scale.mean },
    (article) => storyIdFor(readyById.get(article.id)!),
    activeStories(active, words, wordCount),
  );
  const memberships = ready.map((article) => ({
    articleId: article.id,
    storyId: clusterer.add({
      id: article.id,
      vector: vectors.get(article.contentHash)!,
      time: Date.parse(article.publishedAt),
      words: words(article.contentHash),
      wordCount: wordCount(article.contentHash),
    }),
  }));
  const knownStories = new Set(liveStoryIds(store));
  // Stories this run touched may now have grown into one another. A story born in this run and merged at once is
  // simply never saved; a known one keeps its row, marked as merged into the survivor, so its URL still leads there.
  const merges = clusterer.consolidate(new Set(memberships.map((membership) => membership.storyId)));
  const survivor = new Map(merges.map((merge) => [merge.from, merge.into]));
  for (const membership of memberships) membership.storyId = survivor.get(membership.storyId) ?? membership.storyId;
  saveMemberships(store, memberships, nowIso);
  for (const merge of merges) if (knownStories.has(merge.from)) mergeStories(store, merge.from, merge.into);

  const changed = [...new Set([...memberships.map((membership) => membership.storyId), ...survivor.values()])];
  store.transaction(() => {
    for (const [storyId, articles] of storiesArticles(store, changed)) refreshStory(store, storyId, articles, vectors, now);
  });
  assignTopics(store, { modelId: options.modelId, seeds: options.topicSeeds, storyIds: changed, articleIds: memberships.map((membership) => membership.articleId), now });
  store.transaction(() => refreshRelated(store, options.modelId, scale, new Set(changed), now));

  return {
    clustered: ready.length,
    waiting: pending.length - ready.length,
    newStories: changed.filter((id) => !knownStories.has(id)).length,
    changedStories: changed.length,
    stories: liveStoryIds(store).length,
  };
}

function refreshStory(store: Store, storyId: string, articles: Article[], vectors: Map<string, Float32Array>, now: Date): void {
  const lead = chooseLead(articles, vectors, sumOf(articles, vectors));
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
}

function refreshRelated(store: Store, modelId: string, scale: SimilarityScale, changed: ReadonlySet<string>, now: Date): void {
  const since = new Date(now.getTime() - relatedHorizonDays * 86400_000).toISOString();
  const members = liveStoryMemberVectors(store, modelId, since);
  const terms = feedTermCounts(members.map(({ contentHash, feedId, title, summary }) => ({ key: contentHash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  const stories = [...groupByStory(members).entries()].map(([id, list]) => {
    const words: TermVector = new Map();
    for (const member of list) addSparse(words, tfidf(terms.get(member.contentHash)!.counts, idf));
    const wordsPerArticle = list.reduce((total, member) => total + terms.get(member.contentHash)!.words, 0) / list.length;
    return { id, centroid: normalized(sumOfVectors(list)), words: unitSparse(words), wordWeight: wordShare(defaultStoryConfig, wordsPerArticle) };
  });
  const related = relatedStories(stories, changed, { background: scale.mean, minimum: relatedThreshold }, (ids) => relatedOf(store, ids));
  for (const [storyId, list] of related) replaceRelated(store, storyId, list);
}

/** The stories that can still take the new articles, each as the clusterer needs it. */
function activeStories(members: readonly MemberVector[], words: (contentHash: string) => TermVector, wordCount: (contentHash: string) => number): StoryCluster[] {
  return [...groupByStory(members).entries()].map(([id, list]) => {
    const sum: TermVector = new Map();
    for (const member of list) addSparse(sum, words(member.contentHash));
    return {
      id,
      articleIds: list.map((member) => member.articleId),
      sum: sumOfVectors(list),
      firstTime: Date.parse(list[0]!.publishedAt),
      lastTime: Date.parse(list.at(-1)!.publishedAt),
      words: sum,
      wordCount: list.reduce((total, member) => total + wordCount(member.contentHash), 0),
    };
  });
}

function groupByStory(members: readonly MemberVector[]): Map<string, MemberVector[]> {
  const stories = new Map<string, MemberVector[]>();
  for (const member of members) {
    const list = stories.get(member.storyId);
    if (list) list.push(member);
    else stories.set(member.storyId, [member]);
  }
  return stories;
}

function sumOfVectors(members: readonly { vector: Float32Array }[]): Float32Array {
  const sum = new Float32Array(members[0]!.vector.length);
  for (const member of members) addInto(sum, member.vector);
  return sum;
}

function storeSimilarityScale(store: Store, modelId: string): SimilarityScale {
  return backgroundSimilarity(recentEmbeddings(store, modelId, 2000));
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

/** A story is named after its first article, so its id (and URL) never changes as it grows. */
function storyIdFor(article: Article): string {
  const key = article.canonicalUrl ?? `${article.feedId}:${article.contentHash}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

function earliest(articles: readonly Article[]): number {
  return Math.min(...articles.map((article) => Date.parse(article.publishedAt)));
}
