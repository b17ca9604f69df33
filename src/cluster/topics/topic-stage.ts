// The topic part of the cluster stage. New and changed stories join the topics whose members they resemble, or whose
// seed keywords or feed category they carry; stories no topic takes wait in a pool of recent unassigned stories, and
// where enough of them gather densely a new topic is born, named by class-based TF-IDF. History is never reclustered,
// a topic's slug never changes, and membership only grows, so a topic feed never re-sends an old item.
import type { Store } from '../../store/store.ts';
import { loadEmbeddings } from '../../store/embeddings.ts';
import {
  addStoryTopics, addTermDocuments, articleTexts, createDiscoveredTopic, ensureTopic, listTopics, loadTopicProfiles,
  recentStoryIds, relabelTopic, saveTopicProfile, storiesOfTopic, storiesWithoutTopic, storyTexts, termDocumentCounts,
  topicsOfStories,
} from '../../store/topics.ts';
import type { StoredTopicProfile, StoryText, TopicRecord } from '../../store/topics.ts';
import { thresholdAbove } from '../text/calibrate.ts';
import { addInto, normalized } from '../text/vectors.ts';
import { contentTerms, inverseDocumentFrequency, termVector } from '../text/topic-terms.ts';
import { ProfileTermIndex, addToProfile, backgroundScale, emptyProfile, liveProfile, profileSimilarity, profileSimilarityAbove, similarityMatrix } from './topic-model.ts';
import type { LiveProfile, StoryMatrix, TopicProfile, TopicStory } from './topic-model.ts';
import { averageLinkGroups } from './topic-discovery.ts';
import { labelTopic } from './topic-label.ts';
import { categoryOfSeed, categoryTopics, keywordWeight, slugify } from './topics.ts';
import type { TopicSeed } from './topics.ts';

export interface TopicConfig {
  /**
   * How far from what two unrelated stories score towards identity (see calibrate.ts) a story's average similarity to
   * a topic's members must be, both to join it and, among waiting stories, to form one.
   */
  fraction: number;
  /** Share of the similarity that comes from TF-IDF words rather than embeddings. */
  lexicalWeight: number;
  /** A new topic needs at least this many stories; so does a seeded one before it attracts stories by similarity. */
  minStories: number;
  maxTopicsPerStory: number;
  /** Stories are placed this many at a time, oldest first, looking for new topics in between, as successive runs would. */
  batchStories: number;
  /** At most this many waiting stories (the newest) are searched for new topics: the search is quadratic. */
  poolLimit: number;
  /** Waiting stories inactive for longer no longer count towards new topics. */
  horizonDays: number;
  /** Recent stories sampled to calibrate the threshold. */
  sampleStories: number;
}

export const defaultTopicConfig: TopicConfig = {
  fraction: 0.25,
  lexicalWeight: 0.5,
  minStories: 5,
  maxTopicsPerStory: 3,
  batchStories: 500,
  poolLimit: 2000,
  horizonDays: 30,
  sampleStories: 300,
};

export interface TopicOptions {
  modelId: string;
  seeds: readonly TopicSeed[];
  /** Stories that gained articles in this run. */
  storyIds: readonly string[];
  /** Articles placed in stories in this run: their words are counted into the document frequencies. */
  articleIds: readonly number[];
  now: Date;
  config?: Partial<TopicConfig>;
  /** Vectors the caller already holds, by content hash: only the others are read from the store. */
  vectors?: ReadonlyMap<string, Float32Array>;
}

export interface TopicSummary {
  /** Stories that joined at least one topic in this run. */
  placed: number;
  discovered: number;
  /** Stories left waiting for a topic. */
  waiting: number;
}

interface Candidate extends TopicStory {
  texts: string[];
  articles: { feedId: number; categories: string[] }[];
  /** Position of the story's latest article in publication order. */
  order: number;
}

/** A topic named by a seed or a feed category: stories join it by its keywords too. */
interface NamedTopic {
  id: number;
  keywords: readonly string[];
  /** Match the keywords against the articles' feed categories rather than their words. */
  matchCategories: boolean;
}

export async function assignTopics(store: Store, options: TopicOptions): Promise<TopicSummary> {
  const config = { ...defaultTopicConfig, ...options.config };
  const now = options.now.toISOString();
  return await store.transaction(async () => {
    // The new articles' words are counted once and reused below, where their stories are loaded.
    const frequencies = new DocumentFrequencies();
    const termsOfArticle = new Map((await articleTexts(store, options.articleIds)).map((article) => [article.id, frequencies.termsOf(`${article.title} ${article.summary}`)]));
    await addTermDocuments(store, [...termsOfArticle.values()]);

    const since = new Date(options.now.getTime() - config.horizonDays * 86400_000).toISOString();
    const sampleIds = await recentStoryIds(store, config.sampleStories);
    const waitingIds = await storiesWithoutTopic(store, since, config.poolLimit);
    const stories = await loadStories(store, options.modelId, [...new Set([...sampleIds, ...waitingIds, ...options.storyIds])], frequencies, termsOfArticle, options.vectors);
    const sample = sampleIds.flatMap((id) => stories.get(id) ?? []);
    const background = backgroundScale(sample, config.lexicalWeight);
    const threshold = thresholdAbove(background, config.fraction);
    // A keyword match must be backed by the members: the story resembles them at least halfway from what unrelated
    // stories score to the join threshold ("Meta" took a singer's date night on the word Instagram alone).
    const agreement = (background.mean + threshold) / 2;
    const named = await ensureNamedTopics(store, options.seeds, sample, config.minStories, now);
    const changed = new Set(options.storyIds);
    const byTime = (ids: Iterable<string>) => [...ids].flatMap((id) => stories.get(id) ?? []).sort((a, b) => a.order - b.order);
    const candidates = byTime(changed);
    const dimensions = stories.values().next().value?.vector.length ?? 0;
    const placer = await TopicPlacer.create(store, options.modelId, config, { join: threshold, agreement }, named, dimensions, candidates, frequencies, now);

    // Stories already waiting are not offered to the topics one by one again; they meet in the pool, and are offered
    // again only after new topics appear.
    let pool = byTime(waitingIds.filter((id) => !changed.has(id)));
    let poolMatrix: StoryMatrix | undefined;
    for (let start = 0; start < candidates.length; start += config.batchStories) {
      for (const story of candidates.slice(start, start + config.batchStories)) if (!(await placer.place(story))) pool.push(story);
      pool = pool.slice(-config.poolLimit);
      poolMatrix = similarityMatrix(pool, config.lexicalWeight, poolMatrix);
      const groups = averageLinkGroups(poolMatrix.values.slice(), pool.length, threshold, config.minStories);
      for (const group of groups) await placer.found(group.map((index) => pool[index]!));
      if (groups.length) {
        const waiting: Candidate[] = [];
        for (const story of pool) if (!(await placer.place(story))) waiting.push(story);
        pool = waiting;
      }
    }
    await placer.save(stories);
    return { placed: placer.placed.size, discovered: placer.discovered, waiting: pool.length };
  });
}

/** Topic memberships and profiles as they change during a run; saved at the end. */
class TopicPlacer {
  readonly placed = new Set<string>();
  discovered = 0;
  readonly #store: Store;
  readonly #modelId: string;
  readonly #config: TopicConfig;
  readonly #thresholds: Thresholds;
  readonly #named: readonly NamedTopic[];
  readonly #dimensions: number;
  readonly #frequencies: DocumentFrequencies;
  readonly #now: string;
  readonly #profiles: Map<number, LiveProfile>;
  readonly #topicsOf: Map<string, Set<number>>;
  readonly #touched = new Set<number>();
  readonly #terms = new ProfileTermIndex();

  /** A placer over the store's topic profiles and the candidates' current topics (read here, before the run changes them). */
  static async create(store: Store, modelId: string, config: TopicConfig, thresholds: Thresholds, named: readonly NamedTopic[], dimensions: number, candidates: readonly Candidate[], frequencies: DocumentFrequencies, now: string): Promise<TopicPlacer> {
    const profiles = await loadTopicProfiles(store, modelId);
    const topicsOf = await topicsOfStories(store, candidates.map((story) => story.id));
    return new TopicPlacer(store, modelId, config, thresholds, named, dimensions, frequencies, now, profiles, topicsOf);
  }

  private constructor(store: Store, modelId: string, config: TopicConfig, thresholds: Thresholds, named: readonly NamedTopic[], dimensions: number, frequencies: DocumentFrequencies, now: string,
    profiles: readonly StoredTopicProfile[], topicsOf: Map<string, Set<number>>) {
    this.#store = store;
    this.#modelId = modelId;
    this.#config = config;
    this.#thresholds = thresholds;
    this.#named = named;
    this.#dimensions = dimensions;
    this.#frequencies = frequencies;
    this.#now = now;
    this.#profiles = new Map(profiles.map((profile) => [profile.topicId, liveProfile(profile)]));
    for (const topic of named) if (!this.#profiles.has(topic.id)) this.#profiles.set(topic.id, emptyProfile(topic.id, dimensions));
    for (const profile of this.#profiles.values()) this.#terms.add(profile);
    this.#topicsOf = topicsOf;
  }

  /** Adds the story to the topics it matches; false when it belongs to none, even from earlier runs. */
  async place(story: Candidate): Promise<boolean> {
    const has = this.#topicsOf.get(story.id) ?? new Set<number>();
    const termDot = this.#terms.termDots(story.terms);
    for (const match of matchingTopics(story, this.#profiles, termDot, this.#named, has, this.#thresholds, this.#config)) await this.#join(story, match.topicId, match.weight);
    return (this.#topicsOf.get(story.id)?.size ?? 0) > 0;
  }

  /** Makes a new topic of a dense group of waiting stories. */
  async found(members: readonly Candidate[]): Promise<void> {
    const topic = await discoverTopic(this.#store, members, this.#frequencies, this.#now);
    const whole = emptyProfile(topic.id, this.#dimensions);
    for (const member of members) addToProfile(whole, member);
    const weights = members.map((member) => leaveOneOutSimilarity(member, whole, this.#config.lexicalWeight));
    this.#profiles.set(topic.id, emptyProfile(topic.id, this.#dimensions));
    for (const [index, member] of members.entries()) await this.#join(member, topic.id, weights[index]!);
    this.discovered++;
  }

  /** Writes the profiles that changed and renames the topics that doubled (`loaded`: stories whose texts are at hand). */
  async save(loaded: ReadonlyMap<string, Candidate>): Promise<void> {
    for (const topicId of this.#touched) await saveTopicProfile(this.#store, this.#modelId, this.#profiles.get(topicId)!);
    await relabelGrownTopics(this.#store, this.#profiles, loaded, this.#frequencies);
  }

  async #join(story: Candidate, topicId: number, weight: number): Promise<void> {
    await addStoryTopics(this.#store, story.id, [{ topicId, weight }], this.#now);
    const profile = this.#profiles.get(topicId)!;
    addToProfile(profile, story);
    this.#terms.add(profile, story.terms.keys());
    this.#touched.add(topicId);
    const topics = this.#topicsOf.get(story.id) ?? new Set<number>();
    topics.add(topicId);
    this.#topicsOf.set(story.id, topics);
    this.placed.add(story.id);
  }
}

/** Similarity levels on the blend's scale: `join` takes a story by resemblance alone; `agreement` (lower) is what a
 * story carrying a topic's keywords or category must still reach once the topic has members to resemble. */
interface Thresholds {
  join: number;
  agreement: number;
}

/**
 * The topics a story should join: similar enough to their members, or carrying their category, or carrying a seed's
 * keywords and resembling its members at least at `agreement` (a seed with fewer than minStories members takes
 * stories by keyword alone: it has nothing yet to resemble). `termDot` gives the product of the story's words with a
 * profile's (ProfileTermIndex.termDots).
 */
function matchingTopics(
  story: Candidate, profiles: ReadonlyMap<number, LiveProfile>, termDot: (profile: LiveProfile) => number, named: readonly NamedTopic[], has: ReadonlySet<number>,
  { join: threshold, agreement }: Thresholds, config: TopicConfig,
): { topicId: number; weight: number }[] {
  const matches = new Map<number, number>();
  for (const profile of profiles.values()) {
    if (has.has(profile.topicId) || profile.stories < config.minStories) continue;
    const similarity = profileSimilarityAbove(story, profile, threshold, config.lexicalWeight, termDot(profile));
    if (similarity !== null) matches.set(profile.topicId, similarity);
  }
  for (const topic of named) {
    if (has.has(topic.id) || matches.has(topic.id)) continue;
    const texts = topic.matchCategories ? story.articles.map((article) => article.categories.join('\n')) : story.texts;
    if (keywordWeight(texts, topic.keywords) >= 1 / 3) {
      const profile = profiles.get(topic.id)!;
      const similarity = profile.stories > 0 ? profileSimilarity(story, profile, config.lexicalWeight) : 0;
      // A feed's own category is the outlet's judgement, and holds without it.
      if (!topic.matchCategories && profile.stories >= config.minStories && similarity < agreement) continue;
      // Weighed like a similarity match, so "strongest topic" compares like with like.
      matches.set(topic.id, Math.max(threshold, similarity));
    }
  }
  return [...matches].map(([topicId, weight]) => ({ topicId, weight }))
    .sort((a, b) => b.weight - a.weight || a.topicId - b.topicId)
    .slice(0, Math.max(0, config.maxTopicsPerStory - has.size));
}

async function discoverTopic(store: Store, members: readonly Candidate[], frequencies: DocumentFrequencies, now: string): Promise<TopicRecord> {
  const texts = members.map((member) => member.texts);
  const name = labelTopic(texts, { ...(await frequencies.forTexts(store, texts.flat())), otherTopics: keywordUse(await listTopics(store)) });
  // The slug is for good, so it takes only the label's two strongest parts: short, and less tied to the first members.
  const slug = slugify(name.label.split(', ').slice(0, 2).join(' '));
  return await createDiscoveredTopic(store, { slug, label: name.label, keywords: name.keywords, stories: members.length }, now);
}

/**
 * A discovered topic that has doubled since it was named is renamed from its newest members (a hundred stories, their
 * first few articles: plenty for the top words); its slug stays.
 */
async function relabelGrownTopics(store: Store, profiles: ReadonlyMap<number, TopicProfile>, loaded: ReadonlyMap<string, Candidate>, frequencies: DocumentFrequencies): Promise<void> {
  const topics = await listTopics(store);
  for (const topic of topics) {
    const stories = profiles.get(topic.id)?.stories ?? 0;
    if (topic.origin !== 'discovered' || stories < 2 * topic.labelledStories) continue;
    const memberIds = (await storiesOfTopic(store, topic.id)).slice(-100).map((member) => member.storyId);
    const texts = groupTexts(await storyTexts(store, memberIds.filter((id) => !loaded.has(id))));
    for (const id of memberIds) {
      const story = loaded.get(id);
      if (story) texts.set(id, story.texts);
    }
    const members = [...texts.values()].map((list) => list.slice(0, 5));
    const name = labelTopic(members, { ...(await frequencies.forTexts(store, members.flat())), otherTopics: keywordUse(topics.filter((other) => other.id !== topic.id)) });
    await relabelTopic(store, topic.id, name.label, name.keywords, stories);
  }
}

/** For each keyword (lower case), how many of the topics list it. */
function keywordUse(topics: readonly TopicRecord[]): Map<string, number> {
  const use = new Map<string, number>();
  for (const topic of topics) for (const keyword of new Set(topic.keywords.map((word) => word.toLowerCase()))) use.set(keyword, (use.get(keyword) ?? 0) + 1);
  return use;
}

/** Document frequencies read from the store as words come up, each word once per run; and each text's words. */
class DocumentFrequencies {
  documents = 0;
  readonly byTerm = new Map<string, number>();
  /**
   * Each text's content terms, read once per run: a story's texts are read for its terms and again to name each topic
   * it helps found or that is relabelled (a first import of 50,000 articles relabels most topics, up to 100 stories each).
   */
  readonly #terms = new Map<string, string[]>();

  /** contentTerms of the text (the same array for the same text: callers only read it). */
  termsOf(text: string): string[] {
    let terms = this.#terms.get(text);
    if (!terms) this.#terms.set(text, (terms = contentTerms(text)));
    return terms;
  }

  /** Makes sure the given terms are known; returns the inverse document frequency over everything known. */
  async forTerms(store: Store, terms: Iterable<string>): Promise<(term: string) => number> {
    const missing = [...new Set(terms)].filter((term) => !this.byTerm.has(term));
    const counts = await termDocumentCounts(store, missing);
    this.documents = counts.documents;
    for (const term of missing) this.byTerm.set(term, counts.byTerm.get(term) ?? 0);
    return inverseDocumentFrequency(this.documents, this.byTerm);
  }

  /** What labelTopic needs for these texts. */
  async forTexts(store: Store, texts: readonly string[]): Promise<{ documents: number; documentFrequency: ReadonlyMap<string, number> }> {
    await this.forTerms(store, texts.flatMap((text) => this.termsOf(text)));
    return { documents: this.documents, documentFrequency: this.byTerm };
  }
}

/** Seeds from content/topics.json, and feed categories that several feeds use on enough (but not most) stories. */
async function ensureNamedTopics(store: Store, seeds: readonly TopicSeed[], sample: readonly Candidate[], minStories: number, now: string): Promise<NamedTopic[]> {
  const topics: NamedTopic[] = [];
  for (const seed of seeds) topics.push({
    id: await ensureTopic(store, { slug: seed.slug, label: seed.name, description: seed.description, keywords: seed.keywords, origin: 'seed' }, now),
    keywords: seed.keywords,
    matchCategories: false,
  });
  for (const category of categoryTopics(sample, minStories)) {
    if (categoryOfSeed(category.name, seeds)) continue;
    const id = await ensureTopic(store, { slug: category.slug, label: category.name, description: '', keywords: [category.name], origin: 'category' }, now);
    topics.push({ id, keywords: [category.name], matchCategories: true });
  }
  return topics;
}

/** A member's average similarity to the other members (its own similarity of 1 left out). */
function leaveOneOutSimilarity(story: TopicStory, profile: TopicProfile, lexicalWeight: number): number {
  if (profile.stories < 2) return 0;
  const self = (1 - lexicalWeight) + (story.terms.size ? lexicalWeight : 0);
  return (profileSimilarity(story, profile, lexicalWeight) * profile.stories - self) / (profile.stories - 1);
}

/** Each story's centroid, term vector, texts and categories; stories without any embedded article are left out. */
async function loadStories(
  store: Store, modelId: string, storyIds: readonly string[], frequencies: DocumentFrequencies, termsOfArticle: ReadonlyMap<number, string[]>,
  known: ReadonlyMap<string, Float32Array> = new Map(),
): Promise<Map<string, Candidate>> {
  const rows = await storyTexts(store, storyIds);
  const loaded = await loadEmbeddings(store, modelId, rows.map((row) => row.contentHash).filter((hash) => !known.has(hash)));
  const terms = rows.map((row) => termsOfArticle.get(row.articleId) ?? frequencies.termsOf(`${row.title} ${row.summary}`));
  const idf = await frequencies.forTerms(store, terms.flat());
  const stories = new Map<string, Candidate & { articleTerms: string[][] }>();
  rows.forEach((row, order) => {
    const vector = known.get(row.contentHash) ?? loaded.get(row.contentHash);
    let story = stories.get(row.storyId);
    if (!story) {
      if (!vector) return;
      story = { id: row.storyId, vector: new Float32Array(vector.length), terms: new Map(), texts: [], articles: [], order, articleTerms: [] };
      stories.set(row.storyId, story);
    }
    if (vector) addInto(story.vector, vector);
    story.texts.push(`${row.title} ${row.summary}`);
    story.articleTerms.push(terms[order]!);
    story.articles.push({ feedId: row.feedId, categories: row.categories });
    story.order = order;
  });
  for (const story of stories.values()) {
    story.vector = normalized(story.vector);
    story.terms = termVector(story.articleTerms, idf);
  }
  return stories;
}

function groupTexts(rows: readonly StoryText[]): Map<string, string[]> {
  const texts = new Map<string, string[]>();
  for (const row of rows) {
    const list = texts.get(row.storyId) ?? [];
    list.push(`${row.title} ${row.summary}`);
    texts.set(row.storyId, list);
  }
  return texts;
}
