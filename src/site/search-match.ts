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
// count words so, and its excerpt is a run of those words joined by single spaces.
const wordSeparators = /[^\S\uFEFF]+/;

/** A result's page text as Pagefind's data() hands it over (PagefindData's fields of the same names). */
export interface PageText {
  /** The page's text, entities decoded (a page's "&amp;lt;" is "&lt;" here, its "&lt;" is "<"), zero-width spaces removed. */
  content: string;
  /** content with < and > escaped as &lt; and &gt; (and & left alone), zero-width spaces kept: what locations count in. */
  raw_content?: string;
}

/**
 * The page's words as Pagefind counts them for locations and excerpts (raw), each also as the page shows it (shown).
 * Pagefind escapes < and > but not &, so "&lt;" in raw_content is either a "<" of the page or its literal "&lt;": the
 * shown word is read from content, which is unescaped, and undoing the escapes is only the fallback for text whose words
 * content does not line up with (a language written with zero-width spaces between words, which content drops).
 */
function alignedWords(page: PageText): { raw: string[]; shown: string[] } {
  const raw = (page.raw_content ?? escapePagefind(page.content)).split(wordSeparators);
  const content = page.content.split(wordSeparators);
  const lined = content.length === raw.length;
  return { raw, shown: raw.map((word, index) => (lined && escapePagefind(content[index]!) === word ? content[index]! : unescapePagefind(word))) };
}

/** The page words at a result's locations (word indexes into its text, as Pagefind counts them), as the page shows them. */
export function wordsAt(page: PageText, locations: readonly number[]): string[] {
  const { shown } = alignedWords(page);
  return locations.flatMap((location) => (shown[location] === undefined ? [] : [shown[location]!]));
}

/** A run of an excerpt's text: a matched word (shown in <mark>) or the text between. */
export interface ExcerptRun {
  text: string;
  marked: boolean;
}

/**
 * A Pagefind excerpt as text runs, each marked (a matched word, shown in <mark>) or not, with the text as the page shows
 * it. Pagefind builds the excerpt from raw_content (< and > escaped) as a run of its words joined by spaces, each matched
 * word wrapped in <mark></mark>; so the marks are the only tags in it, and every "<" of the page is "&lt;". Its words are
 * found in the page's words (alignedWords) and each is shown as the page has it: a page that reads "&lt;mark&gt;" shows
 * that, not "<mark>". An excerpt not found there (not joined by spaces: zero-width-space text) has its escapes undone.
 * The search page puts each run into the page as a text node (inside a <mark> element it creates for marked runs),
 * never as HTML, so nothing in a page's text can become markup.
 */
export function excerptRuns(excerpt: string, page: PageText): ExcerptRun[] {
  const tokens = excerpt.split(' ').map((token) => {
    const marked = token.startsWith('<mark>') && token.endsWith('</mark>');
    return { raw: marked ? token.slice('<mark>'.length, -'</mark>'.length) : token, marked };
  });
  const words = alignedWords(page);
  const first = excerptStart(tokens.map((token) => token.raw), words.raw);
  if (first === null) return markedRuns(excerpt);
  const runs: ExcerptRun[] = [];
  const add = (text: string, marked: boolean) => {
    const last = runs.at(-1);
    if (last && !last.marked && !marked) last.text += text;
    else if (text.length > 0) runs.push({ text, marked });
  };
  tokens.forEach((token, index) => {
    if (index > 0) add(' ', false);
    add(words.shown[first + index]!, token.marked);
  });
  return runs;
}

/**
 * The index of the page word an excerpt's words start at (the first place they stand as whole words), or null.
 * Pagefind trims the excerpt it joins (String.prototype.trim), which also takes U+FEFF, a character it does not split
 * words on: the excerpt's first and last words may have lost a page word's leading or trailing U+FEFF.
 */
function excerptStart(excerptWords: readonly string[], pageWords: readonly string[]): number | null {
  const text = pageWords.join(' ');
  const wanted = excerptWords.join(' ');
  for (let at = text.indexOf(wanted); at !== -1; at = text.indexOf(wanted, at + 1)) {
    let start = at;
    while (text[start - 1] === '\uFEFF') start -= 1;
    let end = at + wanted.length;
    while (text[end] === '\uFEFF') end += 1;
    if ((start === 0 || text[start - 1] === ' ') && (end === text.length || text[end] === ' ')) return text.slice(0, at).split(' ').length - 1;
  }
  return null;
}

/** An excerpt split on Pagefind's marks alone, its escapes undone: for an excerpt whose words cannot be found. */
function markedRuns(excerpt: string): ExcerptRun[] {
  const runs: ExcerptRun[] = [];
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

/** Pagefind's escaping of a page's text (raw_content): < and > replaced by &lt; and &gt;, and nothing else. */
function escapePagefind(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undoes escapePagefind, where nothing tells an escaped "<" from a page's literal "&lt;". */
function unescapePagefind(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
