// A story told by one outlet alone takes more items from that outlet only on stronger evidence: one feed's items
// about one politician, or a series whose titles share a template, read alike without being one event.
import { describe, expect, it } from 'vitest';
import { StoryClusterer, defaultStoryConfig } from '../../src/cluster/stories/story-clusterer.ts';
import type { ClusterArticle } from '../../src/cluster/stories/story-clusterer.ts';

const unit = (values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((value) => value / norm));
};
const article = (id: number, vector: number[], outlet: number): ClusterArticle => ({
  id, vector: unit(vector), time: Date.parse('2026-03-03T06:00:00Z') + id * 60_000,
  words: new Map([['patch', 1]]), wordCount: 4, names: new Set(), outlet,
});

describe('stories of one outlet', () => {
  // Rescaled cosine 0.18 to the first item, one word in common: 0.27 on the blend, enough to join on the blend (0.2) from another
  // outlet, not enough from the same outlet when it alone tells the story (the margin, 0.2).
  const close = [1, 5.5, 0];

  it('needs more evidence to add an outlet’s item to a story only that outlet tells', () => {
    const make = () => {
      let next = 0;
      const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
      return { clusterer, first: clusterer.add(article(1, [1, 0, 0], 7)) };
    };
    const other = make();
    expect(other.clusterer.add(article(2, close, 8))).toBe(other.first);
    const same = make();
    expect(same.clusterer.add(article(2, close, 7))).not.toBe(same.first);
    // Once a second outlet tells the story, the first outlet's next item joins on the usual evidence.
    const told = make();
    told.clusterer.add(article(2, [1, 0.1, 0], 8));
    expect(told.clusterer.add(article(3, close, 7))).toBe(told.first);
  });

  it('still joins an outlet’s near-identical updates (a status page’s investigating and resolved)', () => {
    let next = 0;
    const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
    const first = clusterer.add(article(1, [1, 0, 0], 7));
    expect(clusterer.add(article(2, [1, 0.05, 0], 7))).toBe(first);
  });
});
