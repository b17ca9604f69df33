// The search page's rule for which of Pagefind's results are real matches (src/site/search-match.ts), on the words
// Pagefind hands over. The browser test runs the same rule over the demo site's real shards.
import { describe, expect, it } from 'vitest';
import { excerptRuns, isRealMatch, pageWordForms, queryWords, wordsAt } from '../../src/site/search-match.ts';

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

  it('finds the words at a result\'s locations in Pagefind\'s text, escapes undone', () => {
    expect(wordsAt('Small  asteroid\n2026 &lt;VQ&gt; passes', [1, 3, 9])).toEqual(['asteroid', '<VQ>']);
  });

  it('turns an excerpt into text runs: only Pagefind\'s marks are markup, escaped text stays text', () => {
    expect(excerptRuns('a <mark>outage</mark> &lt;img src=x onerror=alert(1)&gt; &amp; <mark>more</mark>')).toEqual([
      { text: 'a ', marked: false },
      { text: 'outage', marked: true },
      { text: ' <img src=x onerror=alert(1)> &amp; ', marked: false },
      { text: 'more', marked: true },
    ]);
  });
});
