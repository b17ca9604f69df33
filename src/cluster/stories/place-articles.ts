// The cluster stage's computing step: places a run's new articles into the stories still taking articles or into new
// ones, and merges the stories that grew into one another. It reads nothing, writes nothing and keeps no clock: the
// stage loads its input (stage/load.ts) and saves the placement (stage/save.ts), so it runs on small synthetic input.
import { createHash } from 'node:crypto';
import type { Article } from '../../model/article.ts';
import type { StoryMember, StoryProfile } from '../../model/story.ts';
import { StoryClusterer, defaultStoryConfig } from './story-clusterer.ts';
import type { ClusterArticle, StoryCluster } from './story-clusterer.ts';
import { stemsOf } from './follow-up.ts';
import { groupByStory, profilesFromMembers, storyProfile } from './profiles.ts';
import { addSparse, feedTermCounts, inverseDocumentFrequencies, tfidf } from '../text/lexical.ts';
import type { TermVector } from '../text/lexical.ts';

export interface PlacementInput {
  /** The run's new articles that have a vector, in the order they are placed (the store's: oldest first). */
  articles: readonly Article[];
  /**
   * Embeddings by content hash: every article's in `articles`, and those of the members of any story in `members`
   * that has no profile in `profiles` (a story without either is left out of the run).
   */
  vectors: ReadonlyMap<string, Float32Array>;
  /**
   * The members of the stories still taking articles (live, latest article within the story window of the earliest
   * new article), oldest first. Their words are weighed together with the new articles'.
   */
  members: readonly StoryMember[];
  /** The stored profiles of those stories, by story id. Left as they are: the placement works on copies. */
  profiles: ReadonlyMap<string, StoryProfile>;
  /** The cosine two unrelated articles score with this model (calibrate.ts backgroundSimilarity's mean). */
  background: number;
}

export interface Membership {
  articleId: number;
  storyId: string;
}

export interface StoryMerge {
  from: string;
  into: string;
}

export interface Placement {
  /** Each article of the input's story, in the input's order, merges followed (the survivor's id). */
  memberships: Membership[];
  /**
   * Every merge of the run, in order, each `into` the final survivor (the older story, so its id and URL stay). A
   * story born in this run and merged at once is simply never saved; a stored one (`storedMerges`) keeps its row,
   * marked as merged into the survivor, so its URL still leads there.
   */
  merges: StoryMerge[];
  /**
   * The ids of the stored stories the run compared with (those of the input's members), and of those the stage adds
   * as changed (stage/mend.ts withStaleStories).
   */
  known: ReadonlySet<string>;
  /**
   * The stories that gained articles or merged stories (or whose members' words changed: withStaleStories), each once:
   * the ones not in `known` are new.
   */
  changed: string[];
  /** The changed stories' profiles after the run, in the order of `changed`. */
  profiles: StoryProfile[];
}

/**
 * Places the input's articles one at a time with the StoryClusterer (story-clusterer.ts: the rules and weights live
 * there), each joining the best active story or starting one named by storyIdFor, then consolidates the stories it
 * touched. Pure: the same input gives the same placement, and the input is not changed.
 */
export function placeArticles(input: PlacementInput): Placement {
  const byId = new Map(input.articles.map((article) => [article.id, article]));
  const text = runTexts([...input.members, ...input.articles]);
  const clusterer = new StoryClusterer(
    { ...defaultStoryConfig, background: input.background },
    (article) => storyIdFor(byId.get(article.id)!),
    activeStories(input, text),
  );
  const memberships = input.articles.map((article) => ({
    articleId: article.id,
    storyId: clusterer.add(clusterArticle(article, input.vectors.get(article.contentHash)!, text)),
  }));
  const known = new Set(input.members.map((member) => member.storyId));
  // Stories this run touched may now have grown into one another.
  const merges = clusterer.consolidate(new Set(memberships.map((membership) => membership.storyId)));
  const survivor = new Map(merges.map((merge) => [merge.from, merge.into]));
  for (const membership of memberships) membership.storyId = survivor.get(membership.storyId) ?? membership.storyId;
  const changed = [...new Set([...memberships.map((membership) => membership.storyId), ...survivor.values()])];
  return { memberships, merges, known, changed, profiles: changed.map((id) => storyProfile(id, clusterer.story(id)!)) };
}

/** The merges whose merged story was stored before the run: rows to mark as merged into the survivor. */
export function storedMerges(placement: Pick<Placement, 'merges' | 'known'>): StoryMerge[] {
  return placement.merges.filter((merge) => placement.known.has(merge.from));
}

/** A story is named after its first article, so its id (and URL) never changes as it grows. */
export function storyIdFor(article: Pick<Article, 'canonicalUrl' | 'feedId' | 'contentHash'>): string {
  const key = article.canonicalUrl ?? `${article.feedId}:${article.contentHash}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

/** What the clusterer reads of an article's text, by content hash. */
interface RunTexts {
  /** Unit TF-IDF vector, weighted for the run's stream. */
  words(contentHash: string): TermVector;
  wordCount(contentHash: string): number;
  names(contentHash: string): ReadonlySet<string>;
  /** The headline without its feed's template (text/templates.ts): what the follow-up subject is read from. */
  headline(contentHash: string): { title: string; templated: boolean };
}

/** Word weights come from the stream this run works with: the active stories' members and the new articles. */
function runTexts(articles: readonly { contentHash: string; feedId: number; title: string; summary: string }[]): RunTexts {
  const terms = feedTermCounts(articles.map(({ contentHash, feedId, title, summary }) => ({ key: contentHash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  return {
    words: (contentHash) => tfidf(terms.get(contentHash)!.counts, idf),
    wordCount: (contentHash) => terms.get(contentHash)!.words,
    names: (contentHash) => terms.get(contentHash)!.names,
    headline: (contentHash) => ({ title: terms.get(contentHash)!.headline!, templated: terms.get(contentHash)!.templated! }),
  };
}

function clusterArticle(article: Article, vector: Float32Array, text: RunTexts): ClusterArticle {
  const headline = text.headline(article.contentHash);
  return {
    id: article.id,
    vector,
    time: Date.parse(article.publishedAt),
    words: text.words(article.contentHash),
    wordCount: text.wordCount(article.contentHash),
    names: text.names(article.contentHash),
    headline: stemsOf(headline.title),
    textStems: stemsOf(`${headline.title}\n${article.summary}`),
    templated: headline.templated,
    outlet: article.feedId,
  };
}

/**
 * The stories that can still take the new articles, each as the clusterer needs it: vectors from the stored profile
 * (or one built from the members' vectors), words from the members (weighted for this run's stream).
 */
function activeStories(input: PlacementInput, text: RunTexts): StoryCluster[] {
  const groups = groupByStory(input.members);
  const built = new Map(profilesFromMembers(input.members.filter((member) => !input.profiles.has(member.storyId)), input.vectors)
    .map((profile) => [profile.id, profile]));
  return [...groups.entries()].flatMap(([id, list]) => {
    const profile = input.profiles.get(id) ?? built.get(id);
    if (!profile) return [];
    const sum: TermVector = new Map();
    for (const member of list) addSparse(sum, text.words(member.contentHash));
    const named = new Map<string, number>();
    for (const member of list) for (const name of text.names(member.contentHash)) named.set(name, (named.get(name) ?? 0) + 1);
    const headlines = new Map<string, number>();
    for (const member of list) for (const stem of stemsOf(text.headline(member.contentHash).title)) headlines.set(stem, (headlines.get(stem) ?? 0) + 1);
    return [{
      id,
      size: profile.size,
      // The clusterer adds into a story's sum: a copy keeps the input's profile as it was.
      sum: Float32Array.from(profile.sum),
      firstTime: Date.parse(list[0]!.publishedAt),
      lastTime: Date.parse(list.at(-1)!.publishedAt),
      words: sum,
      wordCount: list.reduce((total, member) => total + text.wordCount(member.contentHash), 0),
      names: named,
      headlines,
      // An outlet is a feed: the one-outlet rule (story-clusterer.ts sameOutletMargin) sees the members read here.
      soleOutlet: new Set(list.map((member) => member.feedId)).size === 1 ? list[0]!.feedId : null,
      templated: list.every((member) => text.headline(member.contentHash).templated),
    }];
  });
}
