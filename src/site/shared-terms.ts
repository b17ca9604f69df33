// "Why grouped": the names, places, numbers and key words a story's articles have in common, which is what a reader checks to
// trust that the articles are about the same thing. Clustering decides by embeddings and terms of its own; this is
// only an explanation a person can read, taken from the text the pages show (titles and summaries).
import { eng } from 'stopword';

export interface SharedTerm {
  term: string;
  /** How many articles mention it. */
  articles: number;
}

const stopwords = new Set(eng);
// Words of reporting, in every story: they say nothing about why these articles belong together.
const reportingWords = new Set(['says', 'told', 'according', 'reported', 'report', 'reports', 'news', 'people', 'year',
  'week', 'first', 'update', 'updates', 'new']);
// A run of capitalised words ("Mark Zuckerberg", "Northstar Cloud", "EU"), or a number with its unit ("$4bn", "40%",
// "2x", "1,200").
const capitalisedRun = /[A-Z][\p{L}\p{N}'’&.-]*(?:\s+[A-Z][\p{L}\p{N}'’&.-]*)*/gu;
const number = /(?<![\p{L}\p{N}])[$€£]?\d[\d,.]*(?:\s?(?:%|bn|billion|million|m|km|x|GW|MW|TB|GB))?(?![\p{L}\p{N}])/gu;
const sentenceStart = /(?:^|[.!?:;"“]\s*)$/;

/**
 * Capitalised runs, numbers and key words found in at least two of the texts (one text per article: title and summary), most
 * shared first, at most `limit`; a run counts as itself and as each of its words. A run's first word is dropped when the sentence starts with it and the texts use it
 * in lower case elsewhere ("Engineers restored…" beside "engineers said"; a common word that only ever starts
 * sentences still passes, a known limit of working without a dictionary), and stopwords are dropped from either end ("The", "In"). Of two
 * terms where one contains the other ("Zuckerberg", "Mark Zuckerberg"), the more shared stays (ties: the longer).
 * Terms in `exclude` (the outlets' own names) are left out: an outlet naming itself groups nothing.
 */
export function sharedTerms(texts: readonly string[], limit = 8, exclude: readonly string[] = []): SharedTerm[] {
  const lowercaseWords = new Set(texts.flatMap((text) => text.match(/\b[a-z][\p{L}'’-]*/gu) ?? []));
  const excluded = exclude.map((name) => name.toLowerCase());
  const counts = new Map<string, { term: string; articles: number }>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const term of termsOf(text, lowercaseWords)) {
      const key = term.toLowerCase();
      if (seen.has(key) || excluded.some((name) => name.includes(key) || key.includes(name))) continue;
      seen.add(key);
      const known = counts.get(key);
      if (known) known.articles++;
      else counts.set(key, { term, articles: 1 });
    }
  }
  // A key word (or pair of words: "fossil record") must be in half the articles: common words meet by chance.
  const keyWordCounts = new Map<string, number>();
  for (const text of texts) for (const word of keyWordsOf(text)) keyWordCounts.set(word, (keyWordCounts.get(word) ?? 0) + 1);
  for (const [word, articles] of keyWordCounts) {
    if (articles >= Math.max(2, texts.length / 2) && !counts.has(word) && !excluded.some((name) => name.includes(word))) counts.set(word, { term: word, articles });
  }
  const shared = [...counts.values()].filter((entry) => entry.articles >= 2)
    .sort((a, b) => b.articles - a.articles || b.term.length - a.term.length || a.term.localeCompare(b.term));
  const kept: SharedTerm[] = [];
  for (const entry of shared) {
    if (kept.some((other) => containsWords(other.term, entry.term) || containsWords(entry.term, other.term))) continue;
    kept.push(entry);
    if (kept.length >= limit) break;
  }
  return kept;
}

function termsOf(text: string, lowercaseWords: ReadonlySet<string>): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(capitalisedRun)) {
    // "Meta's" is Meta; a contraction ("We're", "It's") is no name, unlike "O'Brien".
    const words = match[0].split(/\s+/).map((word) => word.replace(/[.’']+$/, '').replace(/['’]s$/, ''));
    if (words.some((word) => /['’](?![A-Z])/.test(word))) continue;
    const atSentenceStart = sentenceStart.test(text.slice(0, match.index));
    // A label at the start of a line of a status update ("Affected: Northstar DNS") is no name either.
    const isLabel = atSentenceStart && words.length === 1 && text[match.index + match[0].length] === ':';
    if (isLabel || (atSentenceStart && lowercaseWords.has(words[0]!.toLowerCase()))) words.shift();
    while (words.length && stopwords.has(words[0]!.toLowerCase())) words.shift();
    while (words.length && stopwords.has(words.at(-1)!.toLowerCase())) words.pop();
    // The whole run and each of its words: "Mark Zuckerberg" here and "Zuckerberg" elsewhere share "Zuckerberg".
    const candidates = new Set([words.join(' '), ...words.filter((word) => !stopwords.has(word.toLowerCase()))]);
    // A lone capital letter is an initial, not a name.
    for (const term of candidates) if (term.length >= 2 && !/^\d/.test(term)) terms.push(term);
  }
  for (const match of text.matchAll(number)) {
    const term = match[0].replace(/[.,]+$/, '');
    // Bare single digits ("2 hours", "3 outlets") are too common to mean anything.
    if (term.length >= 2) terms.push(term);
  }
  return terms;
}

/** Lower-case words of four letters or more that are no stopwords, and pairs of them side by side, once each. */
function keyWordsOf(text: string): Set<string> {
  const keys = new Set<string>();
  for (const phrase of text.split(/[^\p{L}\p{N}'’ -]+/u)) {
    const words = phrase.split(/\s+/);
    words.forEach((word, index) => {
      const isKey = (candidate: string | undefined) => !!candidate && /^[a-z][a-z'’-]{3,}$/.test(candidate) && !stopwords.has(candidate) && !reportingWords.has(candidate);
      if (!isKey(word)) return;
      keys.add(word);
      if (isKey(words[index + 1])) keys.add(`${word} ${words[index + 1]}`);
    });
  }
  return keys;
}

/** Whether `outer` holds `inner` as whole words ("Mark Zuckerberg" holds "Zuckerberg", not "Berg"). */
function containsWords(outer: string, inner: string): boolean {
  if (outer === inner) return false;
  return ` ${outer.toLowerCase()} `.includes(` ${inner.toLowerCase()} `);
}
