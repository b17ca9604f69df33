// The story timeline: time order, the first report, and updates after a quiet spell.
import { describe, expect, it } from 'vitest';
import { storyTimeline } from '../../src/site/timeline.ts';

const at = (title: string, publishedAt: string) => ({ title, publishedAt });

describe('storyTimeline', () => {
  it('orders by time, marks the first report and each article after three quiet hours', () => {
    const timeline = storyTimeline([
      at('catch-up', '2026-11-17T09:40:00Z'),
      at('first', '2026-11-17T09:00:00Z'),
      at('resolved', '2026-11-17T14:00:00Z'),
      at('same burst', '2026-11-17T14:30:00Z'),
      at('just under three hours later', '2026-11-17T17:29:00Z'),
      at('next day', '2026-11-18T08:00:00Z'),
    ]);
    expect(timeline.map((entry) => [entry.article.title, entry.mark])).toEqual([
      ['first', 'first report'],
      ['catch-up', null],
      ['resolved', 'update'],
      ['same burst', null],
      ['just under three hours later', null],
      ['next day', 'update'],
    ]);
  });

  it('has a first report and nothing else for a single article, and nothing for none', () => {
    expect(storyTimeline([at('only', '2026-11-17T09:00:00Z')]).map((entry) => entry.mark)).toEqual(['first report']);
    expect(storyTimeline([])).toEqual([]);
  });
});
