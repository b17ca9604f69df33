// Outlet templates and series: a prefix or suffix that many of one feed's titles share ("Show | Channel (date)",
// "Morning Briefing: …", "… | Fox News Video") is found from the stream itself and weighs nothing as evidence.
import { describe, expect, it } from 'vitest';
import { stripTemplates } from '../../src/cluster/text/templates.ts';
import { feedTermCounts } from '../../src/cluster/text/lexical.ts';
import { stemsOf } from '../../src/cluster/stories/follow-up.ts';
import { StoryClusterer, defaultStoryConfig } from '../../src/cluster/stories/story-clusterer.ts';
import type { ClusterArticle } from '../../src/cluster/stories/story-clusterer.ts';

// One broadcaster's video feed, one newsletter feed, and a wire that writes "Ukraine war: …" like everyone else.
const video = [
  'Hannity | Fox News (Nov 27)', 'Hannity | Fox News (Nov 28)', 'Hannity | Fox News (Nov 29)',
  'The Five | Fox News (Nov 29)', 'Gutfeld! | Fox News (Nov 29)', 'Senate passes the budget bill | Fox News Video',
];
const briefing = [
  'Morning Briefing: Fed raises rates again', 'Morning Briefing: Storm hits the Gulf coast', 'Morning Briefing: Apple unveils a new iPhone',
  'Opinion: why the budget matters', 'Senate passes the budget bill', 'Wildfire spreads north of Athens',
];
const wire = ['Ukraine war: talks resume in Geneva', 'Ukraine war: drone strike on Kharkiv', 'Budget bill passes the Senate', 'Earthquake shakes Taiwan', 'Oil prices fall', 'Gold hits a record'];
const others = ['Ukraine war: Kyiv says talks go on', 'Ukraine war: EU sends more aid'];
const articles = [
  ...video.map((title, index) => ({ key: `v${index}`, feedId: 1, title, summary: '' })),
  ...briefing.map((title, index) => ({ key: `b${index}`, feedId: 2, title, summary: '' })),
  ...wire.map((title, index) => ({ key: `w${index}`, feedId: 3, title, summary: '' })),
  ...others.map((title, index) => ({ key: `o${index}`, feedId: 4 + index, title, summary: '' })),
];

describe('stripTemplates', () => {
  const stripped = stripTemplates(articles);
  const title = (key: string) => stripped.get(key)!.title;

  it('removes a feed’s shared prefix and suffix, dates apart, and leaves the rest of the headline', () => {
    expect(title('v0')).toBe('');
    expect(title('v3')).toBe('The Five');
    expect(title('v5')).toBe('Senate passes the budget bill | Fox News Video');
    expect(title('b0')).toBe('Fed raises rates again');
    expect(stripped.get('b0')!.templated).toBe(true);
  });

  it('keeps what only a few titles share, and a subject label other outlets write too', () => {
    expect(title('b3')).toBe('Opinion: why the budget matters');
    expect(stripped.get('b4')!.templated).toBe(false);
    expect(title('w0')).toBe('Ukraine war: talks resume in Geneva');
  });
});

describe('templates as evidence', () => {
  it('leaves no template word in the words, names or follow-up subject', () => {
    const terms = feedTermCounts(articles);
    for (const key of ['v0', 'v1', 'v3', 'b0', 'b1']) {
      const article = terms.get(key)!;
      for (const word of ['hannity', 'fox', 'news', 'morning', 'briefing']) {
        expect(article.counts.has(word)).toBe(false);
        expect(article.names.has(word)).toBe(false);
        expect(stemsOf(article.headline!).has(word)).toBe(false);
      }
    }
    expect(terms.get('b0')!.counts.has('fed')).toBe(true);
  });

  const unit = (values: number[]) => {
    const norm = Math.hypot(...values);
    return Float32Array.from(values.map((value) => value / norm));
  };
  // Items of one series embed nearly alike (their titles are mostly the template); their own words differ, and a
  // common word of their summaries makes them candidates for one another.
  const item = (id: number, word: string, templated: boolean): ClusterArticle => ({
    id, vector: unit([1, 0.02 * id, 0]), time: Date.parse('2026-11-29T06:00:00Z') + id * 60_000,
    words: new Map([[word, 0.99], ['today', 0.14]]), wordCount: 4, names: new Set(), outlet: 7, templated,
  });

  it('does not make a story of one outlet’s templated items from the template alone', () => {
    const run = (templated: boolean) => {
      let next = 0;
      const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
      return new Set(['rates', 'storm', 'iphone', 'wildfire'].map((word, index) => clusterer.add(item(index + 1, word, templated)))).size;
    };
    // Without templates the near-identical embeddings make one story even from one outlet; with them, four.
    expect(run(false)).toBe(1);
    expect(run(true)).toBe(4);
  });

  it('still joins one outlet’s templated items that share their own words', () => {
    let next = 0;
    const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
    const first = clusterer.add(item(1, 'rates', true));
    expect(clusterer.add(item(2, 'rates', true))).toBe(first);
  });
});
