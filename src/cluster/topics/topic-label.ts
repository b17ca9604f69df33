// Names a discovered topic after its members with class-based TF-IDF (as BERTopic does): a word scores by how widely
// the topic's stories use it, times how rare it is across all articles. The best words make the label, and a
// two-word phrase replaces its words when the members mostly write them together ("oil prices", "Red Sox").
import { contentWordRuns } from '../text/topic-terms.ts';

export interface TopicName {
  label: string;
  /** The topic's best words, best first. */
  keywords: string[];
}

export interface LabelOptions {
  /** Articles counted in the document frequencies. */
  documents: number;
  /** Articles containing each word. */
  documentFrequency: ReadonlyMap<string, number>;
  /** Phrases in the label (default 3). */
  parts?: number;
  /** For each word, how many other topics list it among their keywords. */
  otherTopics?: ReadonlyMap<string, number>;
}

interface Candidate {
  key: string;
  stories: number;
  surfaces: Map<string, number>;
}

/** `stories` holds each member story's article texts. */
export function labelTopic(stories: readonly (readonly string[])[], options: LabelOptions): TopicName {
  const words = new Map<string, Candidate>();
  const phrases = new Map<string, Candidate>();
  for (const texts of stories) {
    const seenWords = new Set<string>();
    const seenPhrases = new Set<string>();
    for (const text of texts) {
      for (const run of contentWordRuns(text)) {
        run.forEach((word, index) => {
          count(words, word.key, word.surface, seenWords);
          const nextWord = run[index + 1];
          if (nextWord) count(phrases, `${word.key} ${nextWord.key}`, `${word.surface} ${nextWord.surface}`, seenPhrases);
        });
      }
    }
  }

  // A word only one story uses says nothing about the topic, however rare it is; and the share counts squared, so a
  // rare word two stories of five happen to share does not outrank what all five are about. Words other topics are
  // already known by count less (the class-based part), so neighbouring topics get telling names, not the same one.
  const rarity = (key: string) => Math.log(1 + options.documents / Math.max(1, options.documentFrequency.get(key) ?? 1)) /
    (1 + (options.otherTopics?.get(key) ?? 0)) ** 2;
  const scored = [...words.values()]
    .filter((word) => word.stories >= Math.min(2, stories.length))
    .map((word) => ({ word, score: (word.stories / stories.length) ** 2 * rarity(word.key) }))
    .sort((a, b) => b.score - a.score || a.word.key.localeCompare(b.word.key));

  const parts: string[] = [];
  const used = new Set<string>();
  for (const { word } of scored) {
    if (parts.length >= (options.parts ?? 3)) break;
    if (used.has(singular(word.key))) continue;
    const phrase = bestPhrase(phrases, word, used);
    if (phrase) {
      for (const key of phrase.key.split(' ')) used.add(singular(key));
      parts.push(commonest(phrase.surfaces));
    } else {
      used.add(singular(word.key));
      parts.push(commonest(word.surfaces));
    }
  }
  const label = parts.join(', ');
  return {
    label: label ? label[0]!.toUpperCase() + label.slice(1) : 'Topic',
    keywords: scored.slice(0, 10).map(({ word }) => commonest(word.surfaces)),
  };
}

/** The phrase holding `word` that at least half the stories using the word also use, if any. */
function bestPhrase(phrases: ReadonlyMap<string, Candidate>, word: Candidate, used: ReadonlySet<string>): Candidate | null {
  let best: Candidate | null = null;
  for (const phrase of phrases.values()) {
    const [first, second] = phrase.key.split(' ') as [string, string];
    if ((first !== word.key && second !== word.key) || used.has(singular(first)) || used.has(singular(second)) || first === second) continue;
    if (phrase.stories * 2 < word.stories || phrase.stories < 2) continue;
    if (!best || phrase.stories > best.stories) best = phrase;
  }
  return best;
}

/** Enough of a stem to keep "rate" and "rates" from both making the label. */
function singular(key: string): string {
  return key.length > 3 && key.endsWith('s') && !key.endsWith('ss') ? key.slice(0, -1) : key;
}

function count(candidates: Map<string, Candidate>, key: string, surface: string, seenInStory: Set<string>): void {
  let candidate = candidates.get(key);
  if (!candidate) candidates.set(key, (candidate = { key, stories: 0, surfaces: new Map() }));
  candidate.surfaces.set(surface, (candidate.surfaces.get(surface) ?? 0) + 1);
  if (!seenInStory.has(key)) {
    seenInStory.add(key);
    candidate.stories++;
  }
}

/**
 * The way the members write it: common nouns show up in lower case in running text (headlines capitalise every word),
 * names never do; among capitalised forms the commonest wins, then the one with more capitals ("NASA" over "Nasa").
 */
function commonest(surfaces: ReadonlyMap<string, number>): string {
  const entries = [...surfaces];
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const lower = entries.find(([surface]) => surface === surface.toLowerCase());
  if (lower && lower[1] * 3 >= total) return lower[0];
  return entries.sort((a, b) => b[1] - a[1] || capitals(b[0]) - capitals(a[0]) || a[0].localeCompare(b[0]))[0]![0];
}

function capitals(text: string): number {
  return (text.match(/\p{Lu}/gu) ?? []).length;
}
