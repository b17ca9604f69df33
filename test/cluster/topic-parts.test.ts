// The pieces of topic discovery on inputs small enough to reason about: average-link grouping, c-TF-IDF labels,
// content words, and which feed categories become topics.
import { describe, expect, it } from 'vitest';
import { averageLinkGroups } from '../../src/cluster/topics/topic-discovery.ts';
import { labelTopic } from '../../src/cluster/topics/topic-label.ts';
import { contentTerms, contentWordRuns } from '../../src/cluster/text/topic-terms.ts';
import { categoryOfSeed, categoryTopics } from '../../src/cluster/topics/topics.ts';
import { ProfileTermIndex, addToProfile, emptyProfile } from '../../src/cluster/topics/topic-model.ts';
import type { TopicStory } from '../../src/cluster/topics/topic-model.ts';
import { sparseDot } from '../../src/cluster/text/lexical.ts';
import foreignFeeds from './fixtures/foreign-language-topics.json' with { type: 'json' };
import { deu, fra, spa } from 'stopword';

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

describe('labels of feeds not in English', () => {
  // Document frequencies as in a mostly English corpus of 10,000 articles that holds only these headlines in the
  // feed's language: its function words are as rare there as its subject.
  const lists = { fr: fra, es: spa, de: deu };
  for (const code of ['fr', 'es', 'de'] as const) {
    const { subject, stories } = foreignFeeds[code];
    it(`names a ${code} topic by its subject, not by the language's function words`, () => {
      const documentFrequency = new Map<string, number>();
      for (const text of stories.flat()) for (const term of new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      const name = labelTopic(stories, { documents: 10_000, documentFrequency });
      const functionWords = new Set(lists[code]);
      const parts = name.label.toLowerCase().split(/[\s,]+/);
      expect(parts.filter((part) => functionWords.has(part))).toEqual([]);
      expect(subject.some((word) => parts.includes(word))).toBe(true);
    });
  }

  it('keeps English words that are function words elsewhere ("war", "die", "men") in English text', () => {
    expect(contentTerms('War in Gaza: men die as the ceasefire talks stall').sort()).toEqual(['ceasefire', 'die', 'gaza', 'men', 'stall', 'talks', 'war']);
    expect(contentTerms('Der Krieg war lang und die Männer kamen nicht zurück').sort()).toEqual(['kamen', 'krieg', 'männer']);
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

describe('ProfileTermIndex', () => {
  it('gives each profile the very product sparseDot gives, as profiles grow and trim their words', () => {
    // Deterministic weights with many decimals, so a different order of additions would show in the last bits.
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const vocabulary = Array.from({ length: 2000 }, (_, index) => `w${index}`);
    const story = (id: string, size: number): TopicStory => ({
      id,
      vector: new Float32Array(4),
      terms: new Map(Array.from({ length: size }, () => [vocabulary[Math.floor(random() * vocabulary.length)]!, random() / 3])),
    });
    const profiles = [emptyProfile(1, 4), emptyProfile(2, 4), emptyProfile(3, 4)];
    const index = new ProfileTermIndex();
    for (const profile of profiles) index.add(profile);
    // Profile 1 grows past twice the kept words, so addToProfile trims it; profile 3 stays empty.
    let trims = 0;
    for (let count = 0; count < 120; count++) {
      const member = story(`s${count}`, 12);
      const profile = profiles[count % 8 === 0 ? 1 : 0]!;
      const before = profile.termSums.size;
      addToProfile(profile, member);
      if (profile.termSums.size < before) trims++;
      index.add(profile, member.terms.keys());
    }
    expect(trims).toBeGreaterThan(0);
    let compared = 0;
    for (let count = 0; count < 50; count++) {
      const probe = story(`p${count}`, 15);
      const termDot = index.termDots(probe.terms);
      for (const profile of profiles) {
        const expected = sparseDot(probe.terms, profile.termSums);
        expect(termDot(profile)).toBe(expected);
        if (expected > 0) compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
