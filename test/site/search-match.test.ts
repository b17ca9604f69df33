// The search page's rule for which of Pagefind's results are real matches (src/site/search-match.ts), on the words
// Pagefind hands over. The browser test runs the same rule over the demo site's real shards.
import { describe, expect, it } from 'vitest';
import { excerptRuns, isRealMatch, pageWordForms, queryWords, wordsAt } from '../../src/site/search-match.ts';
import type { PageText } from '../../src/site/search-match.ts';

describe('search results: real matches only', () => {
  it('drops a page that Pagefind found only through a shorter word the query word starts with (its backtracking)', () => {
    // The demo's fault: the topic shard has no "asteroid", so Pagefind searched "as".
    expect(isRealMatch(['asteroid'], ['as'])).toBe(false);
    expect(isRealMatch(['asteroid'], [], ['as', 'seen'])).toBe(false);
    expect(isRealMatch(['sdafadsfasdf'], ['sd'])).toBe(false);
  });

  it('keeps the word itself, a word being typed, another form of it, and compound parts', () => {
    expect(isRealMatch(['asteroid'], ['Asteroid'])).toBe(true);
    expect(isRealMatch(['aster'], ['asteroid.'])).toBe(true);
    // Pagefind's backtracking on purpose: "installa" is not a stem, Pagefind searched "instal".
    expect(isRealMatch(['installa'], ['installation'])).toBe(true);
    expect(isRealMatch(['outages'], ['outage'])).toBe(true);
    expect(isRealMatch(['happiness'], ['happy'])).toBe(true);
    expect(isRealMatch(['absorb'], ['git-absorb'])).toBe(true);
    expect(isRealMatch(['facebook'], ['(Facebook,'])).toBe(true);
    expect(isRealMatch(queryWords('cafe'), ['café'])).toBe(true);
  });

  it('keeps a word that stands in the page joined to symbols, which Pagefind indexes apart ("$499", "=alert(")', () => {
    // The demo's "Meta's next smart glasses get a display in one lens and a $499 price": Pagefind finds it for "499".
    expect(isRealMatch(queryWords('499'), ['$499'])).toBe(true);
    expect(isRealMatch(queryWords('2bn'), ['£2bn,'])).toBe(true);
    expect(isRealMatch(queryWords('alert'), ['onerror=alert(document.domain)>'])).toBe(true);
    expect(isRealMatch(queryWords('hulu'), ['Disney+Hulu'])).toBe(true);
    expect(pageWordForms('$2bn')).toEqual(['$2bn', '2bn']);
    // Still no backtracking through symbols: "asteroid" is not "as".
    expect(isRealMatch(['asteroid'], ['$as'])).toBe(false);
  });

  it('needs every query word, from the matched text or else from the page\'s search metadata', () => {
    expect(isRealMatch(['zuckerberg', 'antitrust'], ['Zuckerberg', 'antitrust'])).toBe(true);
    expect(isRealMatch(['zuckerberg', 'antitrust'], ['Zuckerberg', 'an'])).toBe(false);
    expect(isRealMatch(['zuckerberg', 'antitrust'], ['Zuckerberg'], ['FTC', 'antitrust', 'trial'])).toBe(true);
    expect(isRealMatch([], ['anything'])).toBe(false);
  });

  it('reads query and page words as Pagefind does: lowercase, no diacritics or punctuation', () => {
    expect(queryWords('  Meta’s  OUTAGE! ')).toEqual(['metas', 'outage']);
    expect(queryWords('"exact phrase"')).toEqual(['exact', 'phrase']);
    expect(queryWords(' … ')).toEqual([]);
    expect(pageWordForms('git-absorb')).toEqual(['gitabsorb', 'git', 'absorb']);
    expect(pageWordForms('outage.')).toEqual(['outage']);
  });

  it('finds the words at a result\'s locations in Pagefind\'s text, as the page shows them', () => {
    expect(wordsAt(pageText('Small  asteroid\n2026 <VQ> passes'), [1, 3, 9])).toEqual(['asteroid', '<VQ>']);
    expect(wordsAt(pageText('Write &lt;b&gt; for <b>'), [1, 3])).toEqual(['&lt;b&gt;', '<b>']);
  });

  it('turns an excerpt into text runs: only Pagefind\'s marks are markup, escaped text stays text', () => {
    const page = pageText('a outage <img src=x onerror=alert(1)> &amp; more');
    expect(excerptRuns('a <mark>outage</mark> &lt;img src=x onerror=alert(1)&gt; &amp; <mark>more</mark>', page)).toEqual([
      { text: 'a ', marked: false },
      { text: 'outage', marked: true },
      { text: ' <img src=x onerror=alert(1)> &amp; ', marked: false },
      { text: 'more', marked: true },
    ]);
  });

  // A page about markup (fixture: what Pagefind 1.6 makes of <p>Shows &amp;lt;mark&amp;gt;hello… and &lt;mark&gt;hello…):
  // its fragment's content has the entities decoded once, and raw_content escapes < and > but not &, so the page's
  // literal "&lt;mark&gt;" and its "<mark>" both read "&lt;mark&gt;" there. Undoing the escapes showed both as "<mark>".
  it('shows an excerpt as the page reads, its literal "&lt;mark&gt;" and its "<mark>" each as they are, only matches marked', () => {
    const page = pageText('Shows &lt;mark&gt;hello&lt;/mark&gt; as typed, and <mark>hello</mark> or <mark>bye</mark> as text.');
    const excerpt = 'Shows <mark>&lt;mark&gt;hello&lt;/mark&gt;</mark> as typed, and <mark>&lt;mark&gt;hello&lt;/mark&gt;</mark> or &lt;mark&gt;bye&lt;/mark&gt; as text.';
    expect(excerptRuns(excerpt, page)).toEqual([
      { text: 'Shows ', marked: false },
      { text: '&lt;mark&gt;hello&lt;/mark&gt;', marked: true },
      { text: ' as typed, and ', marked: false },
      { text: '<mark>hello</mark>', marked: true },
      { text: ' or <mark>bye</mark> as text.', marked: false },
    ]);
    // An excerpt from the middle of the page, its text split on other whitespace, starting and ending on a match.
    const long = pageText('Intro  line\nthen &lt;x&gt; <x>\tend');
    expect(excerptRuns('then <mark>&lt;x&gt;</mark> <mark>&lt;x&gt;</mark>', long)).toEqual([
      { text: 'then ', marked: false }, { text: '&lt;x&gt;', marked: true }, { text: ' ', marked: false }, { text: '<x>', marked: true },
    ]);
  });

  // Pagefind trims the excerpt it joins, and String.prototype.trim takes U+FEFF, which it does not split words on: an
  // excerpt that starts at a page word "\uFEFFWrite" (a stray BOM pasted into a summary) starts "Write". Its words were
  // not found in the page's, and the fallback showed the literal "&lt;mark&gt;" as "<mark>".
  it('shows an excerpt as the page reads when its first or last word lost a U+FEFF to Pagefind\'s trim', () => {
    const page = pageText('Intro. \uFEFFWrite &lt;mark&gt; for <mark> on an outage\uFEFF');
    expect(excerptRuns('Write &lt;mark&gt; for &lt;mark&gt; on an <mark>outage\uFEFF</mark>', page)).toEqual([
      { text: '\uFEFFWrite &lt;mark&gt; for <mark> on an ', marked: false },
      { text: 'outage\uFEFF', marked: true },
    ]);
    expect(excerptRuns('<mark>Intro.</mark> \uFEFFWrite &lt;mark&gt; for &lt;mark&gt; on an outage', page)).toEqual([
      { text: 'Intro.', marked: true },
      { text: ' \uFEFFWrite &lt;mark&gt; for <mark> on an outage\uFEFF', marked: false },
    ]);
  });
});

/** A page's text as Pagefind's data() gives it: content as the page reads, raw_content with < and > escaped. */
function pageText(content: string): PageText {
  return { content, raw_content: content.replace(/</g, '&lt;').replace(/>/g, '&gt;') };
}
