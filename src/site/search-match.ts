// Which of Pagefind's results the search page shows. Search is several Pagefind indexes merged in the browser
// (search-shards.ts), and Pagefind 1.6, when a query word is in none of an index's words, searches the longest prefix of
// it that is (its "backtracking", not configurable: Pagefind issue #780). One index made that rare; with a shard per
// week, every shard without the word adds pages that only share its first letters ("asteroid" finding topics through
// "as"). The rule here drops them and keeps everything Pagefind matches on purpose:
//
//   every query word must match a word of the page that starts with the query word (the word itself, or the word being
//   typed: "aster" → "asteroid", "installa" → "installation"), or whose stem starts with the query word's stem (another
//   form of it: "outages" → "outage", as Pagefind's own stemmed index matches) — never a shorter word that only starts
//   like it ("asteroid" → "as").
//
// A score threshold ("far below the best") was the other candidate and is not used: scores from different shards rest
// on different word counts, and a weak but real match (a word once in a long page) would go with the junk.
// Stems come from the `stemmer` package (Porter 1980), the stemmer the story clusterer uses; Pagefind stems with
// Snowball's Porter2, which agrees on ordinary English inflections. This module runs in the reader's browser (bundled
// into the search page) and in Node's tests: no DOM, no Node APIs.
import { stemmer } from 'stemmer';

// Pagefind drops these punctuation classes from the query (dashes, brackets, quotes, other punctuation) and
// lowercases it; page words are normalised the same way before they are compared.
const punctuation = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;

/** A word as Pagefind compares it: lowercase, without diacritics (NFD, marks removed) or punctuation. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(punctuation, '');
}

/** The words of a query as Pagefind searches them ("Meta's  outage!" → ["metas", "outage"]); [] for a blank query. */
export function queryWords(query: string): string[] {
  return query.split(/\s+/).map(normalizeWord).filter((word) => word.length > 0);
}

// Pagefind indexes a word's parts between any characters that are not letters or digits: symbols too, not only
// punctuation ("$499" is found by "499", "onerror=alert(1)" by "alert", "Disney+Hulu" by "hulu").
const partSeparators = /[^\p{L}\p{M}\p{N}]+/u;

/**
 * The forms of one page word that a query word can match: the whole word without punctuation, and each part between
 * characters other than letters and digits ("(Facebook," → facebook; "git-absorb" → gitabsorb, git, absorb; "$2bn" →
 * $2bn, 2bn), as Pagefind indexes compound words whole and in parts.
 */
export function pageWordForms(word: string): string[] {
  const parts = word.split(partSeparators).map(normalizeWord).filter((part) => part.length > 0);
  const whole = normalizeWord(word);
  return whole.length > 0 && !parts.includes(whole) ? [whole, ...parts] : parts;
}

/**
 * Whether a page word (normalised, as pageWordForms gives it) is a real match for a query word (as queryWords gives
 * it): it starts with the query word, or its Porter stem starts with the query word's stem. False for a shorter word
 * that the query word merely starts with, which is what Pagefind's backtracking finds.
 */
export function matchesQueryWord(queryWord: string, pageWord: string): boolean {
  return pageWord.startsWith(queryWord) || stemmer(pageWord).startsWith(stemmer(queryWord));
}

/**
 * Whether to show a result: every query word has a real match (matchesQueryWord) among the page words Pagefind
 * matched (matchedWords: the words at the result's locations, raw as they stand in the page's text) or, for a page
 * Pagefind matched through its metadata alone (title, picture's alt text; no locations), among metaWords. A query with
 * no words keeps nothing.
 */
export function isRealMatch(words: readonly string[], matchedWords: readonly string[], metaWords: readonly string[] = []): boolean {
  if (words.length === 0) return false;
  const forms = (list: readonly string[]) => list.flatMap(pageWordForms);
  const matched = forms(matchedWords);
  let meta: string[] | null = null;
  return words.every((queryWord) => matched.some((form) => matchesQueryWord(queryWord, form)) ||
    (meta ??= forms(metaWords)).some((form) => matchesQueryWord(queryWord, form)));
}

// Pagefind splits a page's text into words on whitespace other than U+FEFF (its word_separators); a result's locations
// count words so.
const wordSeparators = /[^\S\uFEFF]+/;

/**
 * The page words at a result's locations. text: the result's raw_content (Pagefind's copy of the page's text with < and
 * > escaped, the text its locations and excerpt count words in); locations: word indexes into it. Escapes are undone.
 */
export function wordsAt(text: string, locations: readonly number[]): string[] {
  const words = text.split(wordSeparators);
  return locations.flatMap((location) => (words[location] === undefined ? [] : [unescapePagefind(words[location]!)]));
}

/**
 * A Pagefind excerpt as text runs, each marked (a matched word, shown in <mark>) or not. Pagefind builds the excerpt
 * from the page's text with only < and > escaped, then wraps matched words in <mark></mark>; so the marks are the only
 * tags in it, and every other "<" was "&lt;". The search page puts each run into the page as a text node (inside a
 * <mark> element it creates for marked runs), never as HTML, so nothing in a page's text can become markup.
 */
export function excerptRuns(excerpt: string): { text: string; marked: boolean }[] {
  const runs: { text: string; marked: boolean }[] = [];
  let marked = false;
  for (const piece of excerpt.split(/(<\/?mark>)/)) {
    if (piece === '<mark>' || piece === '</mark>') {
      marked = piece === '<mark>';
      continue;
    }
    if (piece.length > 0) runs.push({ text: unescapePagefind(piece), marked });
  }
  return runs;
}

/** Undoes Pagefind's escaping of a page's text (it replaces < and > by &lt; and &gt;, and nothing else). */
function unescapePagefind(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
