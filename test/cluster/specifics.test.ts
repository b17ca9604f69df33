// Specifics (names, places, numbers) as evidence that two texts tell one event: the stream decides which capitalised
// words are names.
import { describe, expect, it } from 'vitest';
import { feedTermCounts } from '../../src/cluster/lexical.ts';
import { casing, isSpecific, sharedSpecifics, streamNames } from '../../src/cluster/specifics.ts';

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
