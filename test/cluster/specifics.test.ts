// Specifics (names, places, numbers) as evidence that two texts tell one event: the stream decides which capitalised
// words are names, and names shared or missing move an article towards one story or away from another.
import { describe, expect, it } from 'vitest';
import { feedTermCounts } from '../../src/cluster/text/lexical.ts';
import { casing, disjointNames, isSpecific, namesEvidence, sharedSpecifics, streamNames } from '../../src/cluster/text/specifics.ts';
import { StoryClusterer, defaultStoryConfig } from '../../src/cluster/stories/story-clusterer.ts';
import type { ClusterArticle } from '../../src/cluster/stories/story-clusterer.ts';

describe('specifics', () => {
  it('treats a word the stream also writes in lower case as ordinary, however a headline capitalises it, and keeps names others use', () => {
    const terms = feedTermCounts([
      { key: 'a', feedId: 1, title: 'Magnitude 6.8 Earthquake Strikes Near Valparaíso', summary: '' },
      { key: 'd', feedId: 4, title: 'Valparaíso port closed', summary: 'Ships left Valparaíso before the quake.' },
      { key: 'b', feedId: 2, title: 'Hokkaido shaken by 6.5 earthquake', summary: 'The magnitude of the quake was 6.5.' },
      { key: 'c', feedId: 3, title: 'Strong earthquake hits Japan', summary: 'Officials said the earthquake strikes were felt in Hokkaido.' },
    ]);
    expect([...terms.get('a')!.names]).toEqual(['valparaíso']);
    expect([...terms.get('b')!.names]).toEqual(['hokkaido']);
    // Only one article names Japan or 6.8: a name nobody else uses can never be shared, so it is no evidence.
    expect(terms.get('c')!.names.has('japan')).toBe(false);
    expect(terms.get('a')!.names.has('6.8')).toBe(false);
  });

  it('ignores the names of one outlet\'s template or series, which say who wrote an item and not what happened', () => {
    const topics = ['Nvidia earnings', 'Gaza ceasefire', 'Arsenal win', 'Paris floods', 'Tesla recall', 'Nvidia chips'];
    const terms = feedTermCounts([
      ...topics.map((topic, index) => ({ key: `series-${index}`, feedId: 1, title: `Daily brief on ${topic} with Brightcast`, summary: '' })),
      { key: 'other', feedId: 2, title: 'Chip maker Nvidia beats estimates', summary: '' },
    ]);
    for (let index = 0; index < topics.length; index++) expect(terms.get(`series-${index}`)!.names.has('brightcast')).toBe(false);
    expect(terms.get('series-0')!.names.has('nvidia')).toBe(true);
  });

  it('counts a word as ordinary when written in lower case twice, or in a quarter of its uses as a name', () => {
    const article = (names: string[], plain: string[]) => ({ names: new Set(names), plain: new Set(plain) });
    const names = streamNames([article(['apple', 'storm'], []), article(['apple'], ['storm']), article(['apple'], []), article(['apple'], []), article(['apple'], []), article([], ['apple'])]);
    expect(names.has('storm')).toBe(false);
    expect(names.has('apple')).toBe(true);
  });

  it('takes no evidence from a sentence\'s first word or a Title Case headline', () => {
    expect([...casing('Strong quake hits Chile. Officials in Valparaíso said roads were cut').names].sort()).toEqual(['chile', 'valparaíso']);
    expect(casing('Apple Unveils Bigger Screens For New iPhone').names.size).toBe(0);
    expect(casing('Apple Unveils Bigger Screens For New iPhone').capitalised.has('apple')).toBe(true);
  });

  it('does not take years, days, months or small numbers as evidence, but quantities and model names', () => {
    expect(['2014', '3', '16', 'tuesday', 'aug', '6.8', '80,000', 's5'].map(isSpecific)).toEqual([false, false, false, false, false, true, true, true]);
    expect(sharedSpecifics(new Set(['chile', '6.8']), new Map([['6.8', 2]]))).toEqual(['6.8']);
  });
});

describe('names as evidence', () => {
  it('weighs shared names by how many members on each side use them, and counts the names a story lacks', () => {
    const story = new Map([['titanfall', 9], ['xbox', 3]]);
    expect(namesEvidence(new Map([['titanfall', 1]]), 1, story, 10)).toEqual({ shared: 0.9, missing: 0, lacking: 0 });
    const { shared, missing } = namesEvidence(new Map([['xbox', 1], ['capaldi', 1]]), 1, story, 10);
    expect(shared).toBeCloseTo(0.3);
    expect(missing).toBe(0.5);
    expect(namesEvidence(new Map(), 1, story, 10)).toEqual({ shared: 0, missing: 0, lacking: 1 });
  });

  it('counts the story’s core names (used by half its members or more) that the article lacks', () => {
    // Two events of one subject: "Saints" shared, each side's player its own.
    const saints = new Map([['saints', 4], ['reggie', 4], ['bush', 3], ['orleans', 1]]);
    const { missing, lacking } = namesEvidence(new Map([['saints', 1], ['pierre', 1], ['thomas', 1]]), 1, saints, 4);
    expect(missing).toBeCloseTo(2 / 3);
    expect(lacking).toBeCloseTo(2 / 3); // reggie and bush of the three core names; orleans is not core
    expect(namesEvidence(new Map([['saints', 1], ['reggie', 1], ['bush', 1]]), 1, saints, 4).lacking).toBe(0);
  });

  it('finds two events in disjoint names, numbers aside: a shared magnitude does not make one quake', () => {
    const chile = new Map([['valparaíso', 3], ['chile', 3], ['6.8', 3]]);
    expect(disjointNames(new Map([['hokkaido', 1], ['kushiro', 1], ['6.8', 1]]), chile, 3)).toBe(true);
    // One shared place, or a side with no names but numbers, is no proof of two events.
    expect(disjointNames(new Map([['hokkaido', 1], ['chile', 1]]), chile, 3)).toBe(false);
    expect(disjointNames(new Map([['6.8', 1]]), chile, 3)).toBe(false);
    expect(disjointNames(new Map([['hokkaido', 1]]), new Map([['6.8', 3], ['chile', 1]]), 3)).toBe(false);
    // A model name is a name ("a320"), not a quantity.
    expect(disjointNames(new Map([['a320', 1]]), new Map([['a320', 2], ['airbus', 2]]), 2)).toBe(false);
  });

  const unit = (values: number[]) => {
    const norm = Math.hypot(...values);
    return Float32Array.from(values.map((value) => value / norm));
  };
  const article = (id: number, vector: number[], names: string[]): ClusterArticle => ({
    id, vector: unit(vector), time: Date.parse('2026-03-03T06:00:00Z') + id * 60_000,
    words: new Map([['patch', 1]]), wordCount: 4, names: new Set(names),
  });

  // Two events of one subject: the same embedding distance to both stories, told apart by the names each one uses.
  it('sends an article to the story whose names it shares, and keeps one whose names a story lacks out of it', () => {
    const twoStories = () => {
      let next = 0;
      const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
      const felt = clusterer.add(article(1, [1, 1, 0], ['watergate', 'felt']));
      const larue = clusterer.add(article(2, [1, -1, 0], ['nixon', 'larue']));
      expect(larue).not.toBe(felt);
      return { clusterer, felt, larue };
    };
    const first = twoStories();
    expect(first.clusterer.add(article(3, [1, 0, 0.3], ['nixon', 'larue']))).toBe(first.larue);
    const second = twoStories();
    expect(second.clusterer.add(article(3, [1, 0, 0.3], ['watergate', 'felt']))).toBe(second.felt);
    // Close enough to join on the blend alone (rescaled cosine 0.12), unless it names only what the story lacks.
    const unnamed = twoStories();
    expect(unnamed.clusterer.add(article(3, [-0.4, 0.6, 1], []))).toBe(unnamed.felt);
    const named = twoStories();
    expect(named.clusterer.add(article(3, [-0.4, 0.6, 1], ['capaldi']))).not.toBe(named.felt);
  });
});
