// eval --explain: the worst merge and split of a small clustering, with the signals between the groups involved.
import { describe, expect, it } from 'vitest';
import { explainErrors, groupSignals } from '../../src/eval/explain.ts';
import type { ExplainedArticle } from '../../src/eval/explain.ts';

const hour = 3600_000;
const article = (title: string, vector: number[], names: string[], hours: number, source = 'Wire'): ExplainedArticle => ({
  title, source, time: hours * hour, vector: Float32Array.from(vector), words: new Map(names.map((name) => [name, 1 / Math.sqrt(names.length)])), names: new Set(names),
});

describe('explain', () => {
  it('gives the signals between two groups: cosine, shared and missing names, words, time gap, same outlet', () => {
    const signals = groupSignals([article('a', [1, 0], ['chile'], 0), article('b', [1, 0], ['chile'], 1)], [article('c', [0, 1], ['chile', 'japan'], 13, 'Post')], 0);
    expect(signals.cosine).toBe(0);
    expect(signals.sharedNames).toEqual(['chile']);
    expect(signals.missingNames).toEqual(['japan']);
    expect(signals.hours).toBe(12);
    expect(signals.sameOutlet).toBe(0);
    expect(signals.wordOverlap).toBeCloseTo(Math.SQRT1_2);
  });

  it('finds the worst merge (events in one story) and the worst split (one event in several stories)', () => {
    const articles = [article('q1', [1, 0], ['chile'], 0), article('q2', [1, 0], ['chile'], 1), article('q3', [1, 0], ['japan'], 2), article('q4', [1, 0], ['chile'], 3)];
    const { merges, splits } = explainErrors(articles, ['s1', 's1', 's1', 's2'], ['chile', 'chile', 'japan', 'chile'], 0, 5);
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ kind: 'merge', pairs: 2, smaller: { size: 1, titles: ['q3'] } });
    expect(splits).toHaveLength(1);
    expect(splits[0]).toMatchObject({ kind: 'split', pairs: 2, larger: { size: 2 }, smaller: { titles: ['q4'] } });
  });
});
