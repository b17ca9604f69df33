// "Why grouped": names, places and numbers that several articles share, from text like the outlets write.
import { describe, expect, it } from 'vitest';
import { sharedTerms } from '../../src/site/shared-terms.ts';

const outage = [
  'Northstar Cloud outage takes down thousands of sites. Engineers at Northstar said a DNS change in US-East failed at 09:12 UTC.',
  'Northstar Cloud restores service after a four-hour outage. The company blamed a faulty DNS update affecting 40% of customers.',
  'Engineers trace the Northstar outage to DNS. About 40% of customers in US-East lost access, Northstar Cloud said.',
  'Why the Northstar Cloud outage matters for Europe. Analysts at Gartner said outages cost $4bn a year, and engineers agree.',
];

describe('sharedTerms', () => {
  it('finds the names, places and numbers in at least two articles, most shared first', () => {
    const terms = sharedTerms(outage);
    expect(terms[0]).toEqual({ term: 'Northstar Cloud', articles: 4 });
    expect(terms.map((term) => term.term)).toEqual(expect.arrayContaining(['DNS', 'US-East', '40%']));
    // Each is in one article only, or is a common word that started a sentence.
    for (const absent of ['Europe', 'Gartner', '$4bn', 'Engineers', 'The', 'Why']) expect(terms.map((term) => term.term)).not.toContain(absent);
  });

  it('keeps the more shared of two terms where one holds the other', () => {
    const terms = sharedTerms(['Mark Zuckerberg testifies', 'Zuckerberg says no', 'Zuckerberg, Meta chief, appears']);
    expect(terms).toEqual([{ term: 'Zuckerberg', articles: 3 }]);
    expect(sharedTerms(['Mark Zuckerberg testifies', 'Mark Zuckerberg says no'])).toEqual([{ term: 'Mark Zuckerberg', articles: 2 }]);
  });

  it('reads a possessive as the name, and skips contractions and status labels', () => {
    const terms = sharedTerms([
      'Meta’s apps are down. We’re aware of it. Affected: Instagram',
      'Meta says sorry. We’re back. Affected: WhatsApp',
    ]);
    expect(terms).toEqual([{ term: 'Meta', articles: 2 }]);
  });

  it('adds key words and pairs of them that half the articles share', () => {
    const terms = sharedTerms([
      'Many rare extinct species were probably common, a fossil record study says.',
      'Blame the fossil record, not the animals, for why so many species look rare.',
      'A patchy fossil record may explain rare species.',
      'Feathers keep traces of colour proteins.',
    ]);
    expect(terms.map((term) => term.term)).toEqual(['fossil record', 'species', 'rare']);
  });

  it('counts an article once however often it repeats a term, and leaves out the outlets’ own names', () => {
    const terms = sharedTerms(['NASA NASA NASA and Meridian Wire', 'NASA says, Meridian Wire reports'], 8, ['Meridian Wire']);
    expect(terms).toEqual([{ term: 'NASA', articles: 2 }]);
  });

  it('stops at the limit and finds nothing in one article or none', () => {
    const texts = ['Ann met Bob, Cy, Di, Ed, Flo, Gus, Hal and Ivy in 2026', 'Ann met Bob, Cy, Di, Ed, Flo, Gus, Hal and Ivy in 2026'];
    expect(sharedTerms(texts, 3)).toHaveLength(3);
    expect(sharedTerms(texts).map((term) => term.term)).toContain('2026');
    expect(sharedTerms([outage[0]!])).toEqual([]);
    expect(sharedTerms([])).toEqual([]);
  });
});
