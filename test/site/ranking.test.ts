// The front page's order: recency measured from the store's newest article when the store is old, and one-outlet
// stories never above multi-outlet stories of the same day.
import { describe, expect, it } from 'vitest';
import { newestArticleTime, rankStories, rankingClock } from '../../src/site/ranking.ts';
import type { Rankable } from '../../src/site/ranking.ts';
import { storyScore } from '../../src/cluster/stories/lead.ts';

const hour = 3600_000;
const story = (id: string, score: number, sourceCount: number, day = '2026-11-17'): Rankable =>
  ({ id, score, sourceCount, day, lastPublishedAt: `${day}T12:00:00Z` });

describe('rankingClock', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  it('is now while the store is fresh', () => {
    expect(rankingClock(now - 20 * hour, now)).toBe(now);
  });
  it('is the newest article’s time when that is more than a day old', () => {
    const newest = now - 10 * 24 * hour;
    expect(rankingClock(newest, now)).toBe(newest);
  });
  it('keeps a week-old story’s coverage counting on a paused store, where now would fade every score to nothing', () => {
    const newest = Date.parse('2026-11-20T12:00:00Z');
    const big = [1, 2, 3, 4, 5, 6].map((n) => ({ source: `outlet-${n}`, publishedAt: new Date(newest - n * hour).toISOString() }));
    const small = [1, 2].map((n) => ({ source: `outlet-${n}`, publishedAt: new Date(newest - 30 * hour - n * hour).toISOString() }));
    expect(storyScore(big, now)).toBeLessThan(0.01);
    const clock = rankingClock(newest, now);
    expect(storyScore(big, clock)).toBeGreaterThan(storyScore(small, clock));
    expect(storyScore(big, clock)).toBeGreaterThan(3);
  });
});

describe('newestArticleTime', () => {
  it('is the newest article that a second outlet confirms, so one outlet’s odd date cannot move it', () => {
    const articles = [
      { outletKey: 'a', publishedAt: '2026-11-20T21:00:00Z' },
      { outletKey: 'b', publishedAt: '2026-11-20T18:00:00Z' },
      { outletKey: 'b', publishedAt: '2026-11-19T18:00:00Z' },
      // An undated item, stamped with the time it was fetched ten days later.
      { outletKey: 'c', publishedAt: '2026-11-30T16:37:00Z' },
    ];
    expect(newestArticleTime(articles)).toBe(Date.parse('2026-11-20T21:00:00Z'));
    expect(newestArticleTime(articles.slice(1, 3))).toBe(Date.parse('2026-11-20T18:00:00Z'));
    expect(newestArticleTime([])).toBe(0);
  });
});

describe('rankStories', () => {
  it('orders by score', () => {
    expect(rankStories([story('a', 1, 2), story('b', 3, 3), story('c', 2, 2)]).map((s) => s.id)).toEqual(['b', 'c', 'a']);
  });

  it('puts a one-outlet story after every multi-outlet story of its day, however high it scored', () => {
    const ranked = rankStories([story('solo', 9, 1), story('pair', 2, 2), story('trio', 5, 3), story('other-day', 1, 2, '2026-11-18')]);
    expect(ranked.map((s) => s.id)).toEqual(['trio', 'pair', 'solo', 'other-day']);
  });

  it('lets a one-outlet story stand where its day has no multi-outlet story', () => {
    const ranked = rankStories([story('pair', 2, 2), story('solo', 9, 1, '2026-11-18')]);
    expect(ranked.map((s) => s.id)).toEqual(['solo', 'pair']);
  });
});
