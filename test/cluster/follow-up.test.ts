// Follow-ups: the subject a story's headlines share, whether a later headline carries it, and what that does to the
// clusterer's decision after a lull (small synthetic vectors: the words and times are what is tested).
import { describe, expect, it } from 'vitest';
import { carriesSubject, established, stemsOf, storySubject } from '../../src/cluster/stories/follow-up.ts';
import { StoryClusterer, defaultStoryConfig } from '../../src/cluster/stories/story-clusterer.ts';
import type { ClusterArticle } from '../../src/cluster/stories/story-clusterer.ts';
import { unitSparse } from '../../src/cluster/text/lexical.ts';

const counts = (...headlines: string[]) => {
  const stems = new Map<string, number>();
  for (const headline of headlines) for (const stem of stemsOf(headline)) stems.set(stem, (stems.get(stem) ?? 0) + 1);
  return stems;
};

describe('follow-ups', () => {
  const tariffs = ['Chip tariffs land just as Big Tech’s AI spending hits new highs', 'The tariff bill for AI has arrived', 'Chip and server tariffs meet an AI spending spree'];

  it('finds the word most of a story’s headlines use, singular and plural alike', () => {
    expect(storySubject(counts(...tariffs), 3)).toEqual(['tariff']);
    expect(storySubject(counts('FTC v. Meta trial opens; Zuckerberg to testify', 'Zuckerberg takes the stand in the FTC’s bid'), 2).sort()).toEqual(['ftc', 'zuckerberg']);
    // One headline, or no word in half of them, names no subject.
    expect(storySubject(counts(tariffs[0]!), 1)).toEqual([]);
    expect(storySubject(counts('Quake hits Chile', 'Stocks fall', 'Parody rule', 'Fossil study'), 4)).toEqual([]);
  });

  it('says whether a later headline carries the subject', () => {
    const subject = storySubject(counts(...tariffs), 3);
    expect(carriesSubject(subject, counts('Cloud giants say tariffs won’t slow the AI build-out'), 1)).toBe(true);
    expect(carriesSubject(subject, counts('Global chip sales rose 18% in October'), 1)).toBe(false);
    // Every word of the subject: both of a story called "FTC" and "Zuckerberg" (the summary counts too, see stemsOf).
    expect(carriesSubject(['ftc', 'zuckerberg'], counts('Day two with Zuckerberg on the stand\nThe FTC showed old emails'), 1)).toBe(true);
    expect(carriesSubject(['ftc', 'zuckerberg'], counts('Day two with Zuckerberg on the stand'), 1)).toBe(false);
    // Another event of one company's one subject lacks the words only the first event's headlines share.
    const launch = storySubject(counts('Apple launches iPhone in Berlin (12)', 'Apple launches iPhone in Berlin (12)'), 2);
    expect(carriesSubject(launch, counts('Apple launches iPhone in Paris (57)'), 1)).toBe(false);
    expect(carriesSubject([], counts('anything'), 1)).toBe(false);
  });

  it('counts a story as established by how long its coverage has lasted', () => {
    const hour = 3600_000;
    expect(established(0, 60_000, 6)).toBeCloseTo(1 / 360);
    expect(established(0, 3 * hour, 6)).toBe(0.5);
    expect(established(0, 30 * hour, 6)).toBe(1);
  });

  // The same words, vector and lull: only how long the story had run before decides whether the next-day headline
  // that carries its subject joins it.
  it('forgives the lull for a running story’s follow-up, not for a later burst on the subject of one burst', () => {
    const hour = 3600_000;
    const words = (terms: string[]) => unitSparse(new Map(terms.map((term) => [term, 1])));
    const article = (id: number, time: number, title: string, terms: string[]): ClusterArticle => ({
      id, vector: Float32Array.from([1, 0]), time, words: words(terms), wordCount: 30, names: new Set(), headline: stemsOf(title),
    });
    const story = (spanHours: number) => {
      let next = 0;
      const clusterer = new StoryClusterer({ ...defaultStoryConfig, background: 0 }, () => `story-${next++}`);
      const first = clusterer.add(article(1, 0, 'Chip tariffs land', ['tariffs', 'chip', 'land']));
      clusterer.add(article(2, (spanHours / 2) * hour, 'Tariff bill arrives for chip buyers', ['tariff', 'bill', 'chip', 'buyers']));
      clusterer.add(article(3, spanHours * hour, 'Chip tariffs meet spending spree', ['tariffs', 'chip', 'spending', 'spree']));
      return { clusterer, first, last: spanHours * hour };
    };
    const running = story(12);
    expect(running.clusterer.add(article(4, running.last + 30 * hour, 'Server makers pass chip tariff costs on', ['server', 'makers', 'tariff', 'costs']))).toBe(running.first);
    const burst = story(0.02);
    expect(burst.clusterer.add(article(4, burst.last + 30 * hour, 'Server makers pass chip tariff costs on', ['server', 'makers', 'tariff', 'costs']))).not.toBe(burst.first);
    // Without the subject in its headline, the running story's lull still counts.
    const other = story(12);
    expect(other.clusterer.add(article(4, other.last + 30 * hour, 'Server makers raise prices', ['server', 'makers', 'tariff', 'costs']))).not.toBe(other.first);
  });
});
