// The words a topic is made of: content words of headlines and summaries (no stopwords, no bare numbers) and
// TF-IDF term vectors over them, which let topics weigh shared names ("Red Sox", "OPEC") that embeddings blur.
import { eng } from 'stopword';
import { tfidf } from './lexical.ts';
import { foreignFunctionWords } from './function-words.ts';
import type { ForeignFunctionWords } from './function-words.ts';
import type { TermVector } from './lexical.ts';

/**
 * Function words the general English list lacks (pronouns, auxiliaries, contractions) and the glue of news copy;
 * document frequency discounts whatever else is common.
 */
const extraStopWords = (
  'she hers herself it itself its they them theirs themselves we us ours ourselves you yours yourself i me mine myself ' +
  'who whom whose when why whether than then been being do does did done doing has had having am is are was were be ' +
  'will would can could may might must shall should ought not no nor yes just also yet even still ever again already ' +
  'it’s it\'s don’t don\'t won’t won\'t can’t can\'t isn’t isn\'t didn’t didn\'t doesn’t doesn\'t he’s he\'s she’s she\'s ' +
  'says say saying told tells tell asked according via amid among against across around without within upon onto ' +
  'per new news latest update updated report reports reported one two three four five six seven eight nine ten ' +
  'first second third last next today yesterday tomorrow week weeks month months year years day days time times ' +
  'monday tuesday wednesday thursday friday saturday sunday many several every big get gets got go goes going make ' +
  'makes made take takes took set sets back ago like read less least cent percent million billion thousand hundred ' +
  'mr mrs ms dr inc ltd co corp plc http https www com html'
).split(' ');

const stopWords = new Set([...eng, ...extraStopWords].map((word) => word.toLowerCase()));

export interface Word {
  /** Lower case, the form terms are counted under. */
  key: string;
  /** As written, for labels ("NASA", "iPhone"). */
  surface: string;
}

// A word is an abbreviation with its dots ("U.S."), or letters and digits joined by inner marks ("AT&T", "e-mail").
const word = String.raw`(?:\p{L}\.){2,}|[\p{L}\p{N}][\p{L}\p{N}'’&.-]*[\p{L}\p{N}]|[\p{L}\p{N}]`;
const wordPattern = new RegExp(word, 'gu');
const wordOrMarkPattern = new RegExp(`(${word})|([^\\s\\p{L}\\p{N}]+)`, 'gu');

/**
 * The form a word is counted under, or null for stopwords (English's, and those of the language the text reads as:
 * function-words.ts), bare numbers and single characters.
 */
function termKey(surface: string, foreign: ForeignFunctionWords): string | null {
  const key = surface.toLowerCase();
  if (key.length < 2 || stopWords.has(key) || foreign.some((words) => words.has(key))) return null;
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && !/\p{L}/u.test(key) ? null : key;
}

/**
 * Runs of consecutive content words: a stopword, a number or punctuation between two words breaks the run, so two
 * neighbours inside one run read as a phrase ("oil prices", "Red Sox").
 */
export function contentWordRuns(text: string): Word[][] {
  const runs: Word[][] = [];
  let run: Word[] = [];
  const foreign = foreignOf(text);
  const flush = () => {
    if (run.length) runs.push(run);
    run = [];
  };
  for (const match of text.matchAll(wordOrMarkPattern)) {
    if (match[2]) {
      if (/[.,;:!?()"“”[\]{}|/–—]/.test(match[2])) flush();
      continue;
    }
    const surface = match[1]!.replace(/['’]s$/u, '');
    const key = termKey(surface, foreign);
    if (key) run.push({ key, surface });
    else flush();
  }
  flush();
  return runs;
}

/** The function words of the text's language when it is not English (function-words.ts); `surfaces`: its words. */
function foreignOf(text: string, surfaces: readonly string[] = text.match(wordPattern) ?? []): ForeignFunctionWords {
  return foreignFunctionWords(surfaces.map((surface) => surface.toLowerCase()), stopWords);
}

/** The distinct content words of a text: what document frequencies count (the keys contentWordRuns gives). */
export function contentTerms(text: string): string[] {
  const terms = new Set<string>();
  const surfaces = text.match(wordPattern) ?? [];
  // The words just found serve the language check too: one pass of the pattern, not two.
  const foreign = foreignOf(text, surfaces);
  for (const surface of surfaces) {
    const key = termKey(surface.replace(/['’]s$/u, ''), foreign);
    if (key) terms.add(key);
  }
  return [...terms];
}

/**
 * Inverse document frequency from counts over all articles seen. A term met in only one article links nothing and
 * only dilutes the vector, so it weighs nothing. (Stories weigh words over the recent stream instead: lexical.ts
 * inverseDocumentFrequencies says why the two differ.)
 */
export function inverseDocumentFrequency(documents: number, byTerm: ReadonlyMap<string, number>): (term: string) => number {
  return (term) => {
    const count = byTerm.get(term) ?? 0;
    return count < 2 ? 0 : Math.log((documents + 1) / (count + 1));
  };
}

/** A story's unit-length TF-IDF vector from its articles' content terms (lexical.ts does the weighing). */
export function termVector(articleTerms: readonly (readonly string[])[], idf: (term: string) => number): TermVector {
  const counts = new Map<string, number>();
  for (const terms of articleTerms) for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return tfidf(counts, idf);
}
