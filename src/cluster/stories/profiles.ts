// Story profiles (src/model/story.ts): what a story is compared by in later runs and in the related lists, so that
// neither reads its members. Made from the clusterer's story at the end of a run, or from the members' words and
// vectors for a story that has none.
import type { StoryMember, StoryProfile } from '../../model/story.ts';
import { defaultStoryConfig, wordShare } from './story-clusterer.ts';
import type { StoryCluster } from './story-clusterer.ts';
import { addSparse, feedTermCounts, inverseDocumentFrequencies, tfidf, unitSparse } from '../text/lexical.ts';
import type { TermVector } from '../text/lexical.ts';
import { addInto } from '../text/vectors.ts';

/** A story's profile as the clusterer holds it after the run (its `sum` is the clusterer's array, not a copy). */
export function storyProfile(id: string, story: StoryCluster): StoryProfile {
  return { id, sum: story.sum, size: story.size, words: unitSparse(story.words), wordWeight: wordShare(defaultStoryConfig, story.wordCount / story.size) };
}

/**
 * Profiles built from the members, for stories that have none yet (a store from before profiles, a new model, or
 * profiles that ingest dropped). Word weights (IDF, and each feed's templates and boilerplate) come from these members
 * and `background`, other articles of the stream (say the newest few thousand), as a run weighs words over its whole
 * stream: over a few stories' members alone, a word every member uses, the story's own subject, would weigh nothing
 * (log 1) and a stray one ("UTC") the most. `vectors` maps content hash to embedding; members without one are left
 * out, and a story none of whose members has one gets no profile.
 */
export function profilesFromMembers(members: readonly StoryMember[], vectors: ReadonlyMap<string, Float32Array>, background: readonly StoryMember[] = []): StoryProfile[] {
  const texts = new Map([...background, ...members].map(({ contentHash, feedId, title, summary }) => [contentHash, { key: contentHash, feedId, title, summary }]));
  const terms = feedTermCounts([...texts.values()]);
  const idf = inverseDocumentFrequencies([...terms.values()].map((article) => article.counts));
  return [...groupByStory(members).entries()].flatMap(([id, list]) => {
    const embedded = list.filter((member) => vectors.has(member.contentHash));
    if (!embedded.length) return [];
    const words: TermVector = new Map();
    for (const member of embedded) addSparse(words, tfidf(terms.get(member.contentHash)!.counts, idf));
    const wordsPerArticle = embedded.reduce((total, member) => total + terms.get(member.contentHash)!.words, 0) / embedded.length;
    const sum = new Float32Array(vectors.get(embedded[0]!.contentHash)!.length);
    for (const member of embedded) addInto(sum, vectors.get(member.contentHash)!);
    return [{ id, sum, size: embedded.length, words: unitSparse(words), wordWeight: wordShare(defaultStoryConfig, wordsPerArticle) }];
  });
}

/** The members by story id, in the order given (story ids in order of their first member). */
export function groupByStory(members: readonly StoryMember[]): Map<string, StoryMember[]> {
  const stories = new Map<string, StoryMember[]>();
  for (const member of members) {
    const list = stories.get(member.storyId);
    if (list) list.push(member);
    else stories.set(member.storyId, [member]);
  }
  return stories;
}
