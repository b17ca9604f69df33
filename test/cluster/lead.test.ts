// Leads follow the story: the lead is central to the coverage as it stands now, not the first report once the story
// has moved on; within one burst of coverage the most central original wins.
import { describe, expect, it } from 'vitest';
import { chooseLead } from '../../src/cluster/stories/lead.ts';
import type { Article } from '../../src/store/articles.ts';

const start = Date.parse('2026-11-17T12:00:00Z');
const article = (id: number, hours: number, vector: number[], extra: Partial<Article> = {}): [Article, Float32Array] => {
  const norm = Math.hypot(...vector);
  return [{
    id, feedId: id, source: `Outlet ${id}`, canonicalUrl: null, originalUrl: null, title: `article ${id}`, summary: 'x'.repeat(300),
    contentHtml: '', author: null, image: null, categories: [], publishedAt: new Date(start + hours * 3600_000).toISOString(),
    dateFlag: null, firstSeenAt: new Date(start + hours * 3600_000).toISOString(), contentHash: `hash-${id}`, copyOf: null, ...extra,
  }, Float32Array.from(vector.map((value) => value / norm))];
};
const lead = (pairs: [Article, Float32Array][]) => chooseLead(pairs.map(([a]) => a), new Map(pairs.map(([a, vector]) => [a.contentHash, vector]))).id;

describe('chooseLead', () => {
  it('follows the story once it has moved on: a next-day development leads, not the first reports', () => {
    const firstDay = [article(1, 0, [1, 0.1, 0]), article(2, 1, [1, 0.15, 0]), article(3, 2, [1, 0.05, 0]), article(4, 3, [1, 0.1, 0.05])];
    const nextDay = [article(5, 26, [0.6, 0.8, 0]), article(6, 27, [0.55, 0.8, 0.05]), article(7, 28, [0.6, 0.75, 0])];
    expect([5, 6, 7]).toContain(lead([...firstDay, ...nextDay]));
  });

  it('takes the most central original within one burst, whatever came first', () => {
    expect(lead([article(1, 0, [1, 0.6, 0]), article(2, 0.5, [1, 0.05, 0]), article(3, 1, [1, -0.4, 0])])).toBe(2);
    expect(lead([article(1, 0, [1, 0.6, 0]), article(2, 0.5, [1, 0.05, 0], { copyOf: 9 }), article(3, 1, [1, -0.4, 0])])).not.toBe(2);
  });
});
