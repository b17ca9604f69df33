// The pieces of topic discovery on inputs small enough to reason about: average-link grouping, c-TF-IDF labels,
// content words, and which feed categories become topics.
import { describe, expect, it } from 'vitest';
import { averageLinkGroups } from '../../src/cluster/topics/topic-discovery.ts';
import { labelTopic } from '../../src/cluster/topics/topic-label.ts';
import { contentTerms, contentWordRuns } from '../../src/cluster/text/topic-terms.ts';
import { categoryOfSeed, categoryTopics } from '../../src/cluster/topics/topics.ts';

/** A symmetric matrix from its upper triangle, given as "i-j": similarity; unlisted pairs score `otherwise`. */
function matrix(n: number, pairs: Record<string, number>, otherwise = 0): Float32Array {
  const values = new Float32Array(n * n).fill(otherwise);
  for (let index = 0; index < n; index++) values[index * n + index] = 1;
  for (const [key, value] of Object.entries(pairs)) {
    const [a, b] = key.split('-').map(Number) as [number, number];
    values[a * n + b] = value;
    values[b * n + a] = value;
  }
  return values;
}

describe('averageLinkGroups', () => {
  it('keeps two tight groups apart and drops groups below the minimum size', () => {
    const pairs: Record<string, number> = {};
    for (const group of [[0, 1, 2], [3, 4, 5]]) for (const a of group) for (const b of group) if (a < b) pairs[`${a}-${b}`] = 0.8;
    pairs['6-7'] = 0.9;
    const groups = averageLinkGroups(matrix(8, pairs, 0.1), 8, 0.5, 3);
    expect(groups.map((group) => [...group].sort())).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('does not chain: a line of neighbours whose ends are unrelated does not become one group', () => {
    // 0-1-2-3-4-5: each neighbour pair is close, everything further apart is unrelated (single link would chain all six).
    const groups = averageLinkGroups(matrix(6, { '0-1': 0.9, '1-2': 0.9, '2-3': 0.9, '3-4': 0.9, '4-5': 0.9 }, 0), 6, 0.5, 2);
    expect(Math.max(...groups.map((group) => group.length))).toBeLessThan(6);
    expect(groups.every((group) => group.length <= 2)).toBe(true);
  });
});

describe('labelTopic', () => {
  it('names a topic by the words most of its stories share, rare ones first, as phrases when written together', () => {
    const stories = [
      ['Red Sox beat the Yankees 5-4 in extra innings', 'Boston wins again'],
      ['Red Sox pitcher throws a shutout against Baltimore'],
      ['Yankees and Red Sox trade for a catcher before the deadline'],
      ['Red Sox slugger hits two home runs in a win'],
      ['The weather was mild and people said the game was fun'],
    ];
    const documentFrequency = new Map([['red', 40], ['sox', 30], ['yankees', 25], ['game', 900], ['people', 1500], ['win', 700]]);
    const name = labelTopic(stories, { documents: 10_000, documentFrequency });
    expect(name.label.startsWith('Red Sox')).toBe(true);
    expect(name.label).not.toMatch(/\b(the|and|was|said|people)\b/i);
    expect(name.keywords.slice(0, 2).map((word) => word.toLowerCase()).sort()).toEqual(['red', 'sox']);
  });
});

describe('content words', () => {
  it('drops stopwords and bare numbers, keeps names and abbreviations, and breaks phrases at punctuation', () => {
    expect(contentTerms('The U.S. says it will raise rates by 2% in 2025, Fed officials said').sort()).toEqual(['fed', 'officials', 'raise', 'rates', 'u.s.']);
    expect(contentWordRuns('Oil prices surge; OPEC meets').map((run) => run.map((word) => word.surface).join(' '))).toEqual(['Oil prices surge', 'OPEC meets']);
  });
});

describe('categoryOfSeed', () => {
  it('tells a category that names a seed\'s subject (its name, a part of it, a keyword) from one that does not', () => {
    const seeds = [{ name: 'Chips & hardware', slug: 'chips-hardware', description: '', keywords: ['semiconductor', 'GPU'] }];
    expect(['Chips', 'chips & hardware', 'Hardware', 'GPU', 'Semiconductor', 'chips-hardware'].filter((name) => !categoryOfSeed(name, seeds))).toEqual([]);
    expect(['Space', 'Chipmakers', 'Hard news'].filter((name) => categoryOfSeed(name, seeds))).toEqual([]);
  });
});

describe('categoryTopics', () => {
  const story = (feedId: number, ...categories: string[]) => ({ articles: [{ feedId, categories }] });

  it('takes a category that two feeds use on enough stories, but not one feed’s own tag nor one on most stories', () => {
    const stories = [
      ...Array.from({ length: 5 }, (_, index) => story(index % 2, 'Open Source')),
      ...Array.from({ length: 5 }, () => story(3, 'House Tag')),
      ...Array.from({ length: 20 }, (_, index) => story(index % 3, 'News')),
    ];
    expect(categoryTopics(stories, 5)).toEqual([{ name: 'Open Source', slug: 'open-source' }]);
  });
});
