// The cluster stage: place new articles into stories, refresh the stories that changed (lead, title, score), their
// topics, and the related-stories lists. Only what changed is touched; history is never reclustered. Stories are
// compared through their stored profiles (src/store/story-profiles.ts): a run reads one row per story it considers,
// and members' vectors only for the stories it changes.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { Article } from '../store/articles.ts';
import { unclusteredArticles } from '../store/articles.ts';
import { loadEmbeddings, recentEmbeddings } from '../store/embeddings.ts';
import { liveStoryCount, liveStoryMembers, mergeStories, replaceRelated, saveMemberships, storiesArticles, unrefreshedStoryIds, updateStory } from '../store/stories.ts';
import type { StoryMember } from '../store/stories.ts';
import { StoryClusterer, defaultStoryConfig, wordShare } from './stories/story-clusterer.ts';
import type { StoryCluster } from './stories/story-clusterer.ts';
import { backgroundSimilarity } from './text/calibrate.ts';
import type { SimilarityScale } from './text/calibrate.ts';
import { addSparse, feedTermCounts, inverseDocumentFrequencies, tfidf, unitSparse } from './text/lexical.ts';
import type { TermVector } from './text/lexical.ts';
import { addInto } from './text/vectors.ts';
import { stemsOf } from './stories/follow-up.ts';
import { chooseLead, storyScore } from './stories/lead.ts';
import type { RelatedEntry } from './related/related.ts';
import { relatedFromStore, relatedOnThread } from './related/related-thread.ts';
import { saveStoryProfiles, storiesWithoutProfile, storyProfiles } from '../store/story-profiles.ts';
import type { StoryProfile } from '../store/story-profiles.ts';
import { assignTopics } from './topics/topic-stage.ts';
import { referenceHashes } from '../embed/embed-stage.ts';
import type { TopicSeed } from './topics/topics.ts';

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
   * Seconds spent reading the run's articles, making stories, saving them and refreshing their leads and scores,
   * placing topics, and relating stories (on a large run only the wait for the second thread, see startRelated).
   */
  seconds: { load: number; stories: number; refresh: number; topics: number; related: number };
}

/**
 * Minimum similarity of two stories to be related, on the same blend as stories (rescaled cosine of the centroids
 * and TF-IDF cosine of their words). Set so that the sidebar shows fewer stories rather than off-subject ones:
 * measured with `wirefold eval` on ecbplus (share of the top 3 sharing the story's gold topic).
 */
export const relatedThreshold = 0.25;
const relatedHorizonDays = 30;

export async function clusterArticles(store: Store, options: ClusterOptions): Promise<ClusterSummary> {
  const { modelId } = options;
  const lap = stopwatch();
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  await refreshUnrefreshedStories(store, modelId, now);
  const pending = await unclusteredArticles(store);
  const vectors = await loadEmbeddings(store, modelId, pending.map((article) => article.contentHash));
  const ready = pending.filter((article) => vectors.has(article.contentHash));
  const readyById = new Map(ready.map((article) => [article.id, article]));
  const scale = await storeSimilarityScale(store, modelId);

  // The members of the stories still taking articles. Word weights come from the stream this run works with: their
  // articles and the new ones.
  const active = ready.length ? await liveStoryMembers(store, new Date(earliest(ready) - defaultStoryConfig.windowHours * 3600_000).toISOString()) : [];
  const terms = feedTermCounts([...active, ...ready].map(({ contentHash, feedId, title, summary }) => ({ key: contentHash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  const words = (contentHash: string) => tfidf(terms.get(contentHash)!.counts, idf);
  const wordCount = (contentHash: string) => terms.get(contentHash)!.words;
  const names = (contentHash: string) => terms.get(contentHash)!.names;
  // The headline without its feed's template (text/templates.ts): what the follow-up subject is read from.
  const headline = (contentHash: string) => ({ title: terms.get(contentHash)!.headline!, templated: terms.get(contentHash)!.templated! });

  const load = lap();
  const clusterer = new StoryClusterer(
    { ...defaultStoryConfig, background: scale.mean },
    (article) => storyIdFor(readyById.get(article.id)!),
    await activeStories(store, modelId, active, words, wordCount, names, headline),
  );
  const memberships = ready.map((article) => ({
    articleId: article.id,
    storyId: clusterer.add({
      id: article.id,
      vector: vectors.get(article.contentHash)!,
      time: Date.parse(article.publishedAt),
      words: words(article.contentHash),
      wordCount: wordCount(article.contentHash),
      names: names(article.contentHash),
      headline: stemsOf(headline(article.contentHash).title),
      textStems: stemsOf(`${headline(article.contentHash).title}\n${article.summary}`),
      templated: headline(article.contentHash).templated,
      outlet: article.feedId,
    }),
  }));
  const knownStories = new Set(active.map((member) => member.storyId));
  // Stories this run touched may now have grown into one another. A story born in this run and merged at once is
  // simply never saved; a known one keeps its row, marked as merged into the survivor, so its URL still leads there.
  const merges = clusterer.consolidate(new Set(memberships.map((membership) => membership.storyId)));
  const survivor = new Map(merges.map((merge) => [merge.from, merge.into]));
  for (const membership of memberships) membership.storyId = survivor.get(membership.storyId) ?? membership.storyId;
  const knownMerges = merges.filter((merge) => knownStories.has(merge.from));
  const gone = knownMerges.map((merge) => merge.from);
  const changed = [...new Set([...memberships.map((membership) => membership.storyId), ...survivor.values()])];
  const profiles = changed.map((id) => storyProfile(id, clusterer.story(id)!));
  const since = new Date(now.getTime() - relatedHorizonDays * 86400_000).toISOString();
  await repairMissingProfiles(store, modelId, since, new Set([...changed, ...gone]));
  const relatedLists = startRelated(store, modelId, scale, profiles, gone, since);
  const stories = lap();

  // Everything the run decided lands in one transaction: a run killed at any moment leaves the store as before it
  // (the next run places the same articles again) or as after it, never stories whose members are saved but whose
  // lead, profile, topics or related list are not (a next run would find nothing left to place and never mend them).
  let refresh = 0;
  let topics = 0;
  await store.transaction(async () => {
    await saveMemberships(store, memberships, nowIso);
    for (const merge of knownMerges) await mergeStories(store, merge.from, merge.into);
    for (const [storyId, articles] of await changedArticles(store, modelId, memberships, readyById, knownStories, merges, vectors)) {
      await refreshStory(store, storyId, articles, vectors, now);
    }
    refresh = lap();
    await assignTopics(store, { modelId, seeds: options.topicSeeds, storyIds: changed, articleIds: memberships.map((membership) => membership.articleId), now, vectors });
    topics = lap();
    const lists = await relatedLists();
    await saveStoryProfiles(store, modelId, profiles);
    for (const [storyId, list] of lists) await replaceRelated(store, storyId, list);
  });
  const related = lap();

  return {
    clustered: ready.length,
    waiting: pending.length - ready.length,
    newStories: changed.filter((id) => !knownStories.has(id)).length,
    changedStories: changed.length,
    stories: await liveStoryCount(store),
    seconds: { load, stories, refresh, topics, related },
  };
}

/** Each call returns the seconds since the previous one (or since the stopwatch was made). */
function stopwatch(): () => number {
  let mark = performance.now();
  return () => {
    const seconds = (performance.now() - mark) / 1000;
    mark = performance.now();
    return seconds;
  };
}

/**
 * The articles of each changed story, oldest first. A story born in this run holds only articles at hand; the others
 * are read back, with their earlier members' vectors (leads are chosen by vectors).
 */
async function changedArticles(
  store: Store, modelId: string, memberships: readonly { articleId: number; storyId: string }[], readyById: ReadonlyMap<number, Article>,
  knownStories: ReadonlySet<string>, merges: readonly { from: string; into: string }[], vectors: Map<string, Float32Array>,
): Promise<Map<string, Article[]>> {
  const older = new Set(merges.filter((merge) => knownStories.has(merge.from)).map((merge) => merge.into));
  const articles = new Map<string, Article[]>();
  for (const { articleId, storyId } of memberships) {
    if (knownStories.has(storyId) || older.has(storyId)) {
      older.add(storyId);
      continue;
    }
    const list = articles.get(storyId);
    if (list) list.push(readyById.get(articleId)!);
    else articles.set(storyId, [readyById.get(articleId)!]);
  }
  for (const list of articles.values()) list.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id - b.id);
  const stored = await storiesArticles(store, [...older]);
  const earlier = [...stored.values()].flat().map((article) => article.contentHash).filter((hash) => !vectors.has(hash));
  for (const [hash, vector] of await loadEmbeddings(store, modelId, earlier)) vectors.set(hash, vector);
  return new Map([...articles, ...stored]);
}

async function refreshStory(store: Store, storyId: string, articles: Article[], vectors: Map<string, Float32Array>, now: Date): Promise<void> {
  const lead = chooseLead(articles, vectors);
  await updateStory(store, {
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

/**
 * Gives stories that an older Wirefold's interrupted run left with members it never counted (new ones showing 0
 * articles) their lead, title and counts from their members, first, so that this run can add articles to them. Like the profiles below, this
 * mends what the stored memberships already say, so it commits on its own, before the run's transaction; their
 * profiles are then built too. (Their topics and related lists come when they next gain an article.)
 */
async function refreshUnrefreshedStories(store: Store, modelId: string, now: Date): Promise<void> {
  const stories = await storiesArticles(store, await unrefreshedStoryIds(store));
  if (!stories.size) return;
  const vectors = await loadEmbeddings(store, modelId, [...stories.values()].flat().map((article) => article.contentHash));
  await store.transaction(async () => {
    for (const [storyId, articles] of stories) await refreshStory(store, storyId, articles, vectors, now);
  });
}

/**
 * Builds the profiles that live stories of the last 30 days lack (a store from before profiles, a new model, or
 * profiles that ingest dropped when an article's words changed), except those of stories this run changes or merges
 * away (`skip`). This mends derived data without changing what any story holds, so it commits on its own, before the
 * run's transaction: the second thread, which reads only what is committed, then finds them.
 */
async function repairMissingProfiles(store: Store, modelId: string, since: string, skip: ReadonlySet<string>): Promise<void> {
  const unprofiled = new Set((await storiesWithoutProfile(store, modelId, since)).filter((id) => !skip.has(id)));
  if (!unprofiled.size) return;
  const members = (await liveStoryMembers(store, since)).filter((member) => unprofiled.has(member.storyId));
  await saveStoryProfiles(store, modelId, await profilesFromMembers(store, modelId, members));
}

/**
 * Starts the changed stories' related lists: candidates among the live stories of the last 30 days are found by their
 * stored terms, and only those are read whole; the changed stories themselves come from `changed`, whose profiles
 * are saved with the lists, and the stories this run merges away (`gone`) are left out. The lists are read before
 * the run's writes land, as the second thread sees the store, or after them, as this thread does: both find the same.
 * A run that changed many stories computes the lists on a second thread while this one writes (related-thread.ts).
 * Returns a function that gives the lists.
 */
function startRelated(
  store: Store, modelId: string, scale: SimilarityScale, changed: readonly StoryProfile[], gone: readonly string[], since: string,
): () => Promise<Map<string, RelatedEntry[]>> {
  const job = { path: store.path, modelId, since, changed, gone, scale: { background: scale.mean, minimum: relatedThreshold } };
  const here = async () => await relatedFromStore(store, job);
  return changed.length < relatedThreadMinimum || store.path === ':memory:' ? here : relatedOnThread(job, here);
}

/** Below this many changed stories the related lists take well under a second, less than starting a thread. */
const relatedThreadMinimum = 2000;

/** A story's profile as the clusterer holds it after the run. */
function storyProfile(id: string, story: StoryCluster): StoryProfile {
  return { id, sum: story.sum, size: story.size, words: unitSparse(story.words), wordWeight: wordShare(defaultStoryConfig, story.wordCount / story.size) };
}

/** Profiles built from the members, for stories that have none yet (a store from before profiles, or a new model). */
async function profilesFromMembers(store: Store, modelId: string, members: readonly StoryMember[]): Promise<StoryProfile[]> {
  const terms = feedTermCounts(members.map(({ contentHash, feedId, title, summary }) => ({ key: contentHash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  const vectors = await loadEmbeddings(store, modelId, members.map((member) => member.contentHash));
  return [...groupByStory(members).entries()].flatMap(([id, list]) => {
    const embedded = list.filter((member) => vectors.has(member.contentHash));
    if (!embedded.length) return [];
    const words: TermVector = new Map();
    for (const member of embedded) addSparse(words, tfidf(terms.get(member.contentHash)!.counts, idf));
    const wordsPerArticle = embedded.reduce((total, member) => total + terms.get(member.contentHash)!.words, 0) / embedded.length;
    const sum = sumOf(embedded, vectors)!;
    return [{ id, sum, size: embedded.length, words: unitSparse(words), wordWeight: wordShare(defaultStoryConfig, wordsPerArticle) }];
  });
}

/**
 * The stories that can still take the new articles, each as the clusterer needs it: vectors from the stored profile,
 * words from the members (weighted for this run's stream).
 */
async function activeStories(
  store: Store, modelId: string, members: readonly StoryMember[], words: (contentHash: string) => TermVector, wordCount: (contentHash: string) => number,
  names: (contentHash: string) => ReadonlySet<string>, headline: (contentHash: string) => { title: string; templated: boolean },
): Promise<StoryCluster[]> {
  const groups = groupByStory(members);
  const profiles = await storyProfiles(store, modelId, [...groups.keys()]);
  const built = new Map((await profilesFromMembers(store, modelId, members.filter((member) => !profiles.has(member.storyId)))).map((profile) => [profile.id, profile]));
  return [...groups.entries()].flatMap(([id, list]) => {
    const profile = profiles.get(id) ?? built.get(id);
    if (!profile) return [];
    const sum: TermVector = new Map();
    for (const member of list) addSparse(sum, words(member.contentHash));
    const named = new Map<string, number>();
    for (const member of list) for (const name of names(member.contentHash)) named.set(name, (named.get(name) ?? 0) + 1);
    const headlines = new Map<string, number>();
    for (const member of list) for (const stem of stemsOf(headline(member.contentHash).title)) headlines.set(stem, (headlines.get(stem) ?? 0) + 1);
    return [{
      id,
      size: profile.size,
      sum: profile.sum,
      firstTime: Date.parse(list[0]!.publishedAt),
      lastTime: Date.parse(list.at(-1)!.publishedAt),
      words: sum,
      wordCount: list.reduce((total, member) => total + wordCount(member.contentHash), 0),
      names: named,
      headlines,
      // An outlet is a feed: the one-outlet rule (story-clusterer.ts sameOutletMargin) sees the members read here.
      soleOutlet: new Set(list.map((member) => member.feedId)).size === 1 ? list[0]!.feedId : null,
      templated: list.every((member) => headline(member.contentHash).templated),
    }];
  });
}

function groupByStory(members: readonly StoryMember[]): Map<string, StoryMember[]> {
  const stories = new Map<string, StoryMember[]>();
  for (const member of members) {
    const list = stories.get(member.storyId);
    if (list) list.push(member);
    else stories.set(member.storyId, [member]);
  }
  return stories;
}

/**
 * What two unrelated articles score with this model: measured on the reference sample the embed stage stored, the
 * same on every run; for vectors made elsewhere (the benchmarks' synthetic ones), on the store's recent articles.
 */
async function storeSimilarityScale(store: Store, modelId: string): Promise<SimilarityScale> {
  const reference = await loadEmbeddings(store, modelId, referenceHashes);
  return backgroundSimilarity(reference.size >= referenceHashes.length / 2 ? [...reference.values()] : await recentEmbeddings(store, modelId, 2000));
}

function sumOf(articles: readonly { contentHash: string }[], vectors: Map<string, Float32Array>): Float32Array | null {
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
