// "What happened": central sentences from several outlets, no near-duplicates, each attributed, in time order.
import { describe, expect, it } from 'vitest';
import { sentencesOf, whatHappened } from '../../src/site/what-happened.ts';
import type { SummarySource } from '../../src/site/what-happened.ts';

const article = (source: string, publishedAt: string, summary: string): SummarySource =>
  ({ source, outletKey: source.toLowerCase(), summary, url: `https://${source.toLowerCase()}.example/a`, publishedAt });

const outage = [
  article('Wire', '2026-11-17T14:30:00Z', 'Facebook, Instagram and WhatsApp were unavailable to users around the world on Tuesday. ' +
    'Outage tracker Downdetector showed more than 300,000 reports at the peak.'),
  article('Ledger', '2026-11-17T14:20:00Z', 'WhatsApp, Instagram and Facebook went down for users around the world on Tuesday afternoon. ' +
    'Our office dog was unimpressed by the whole affair, as ever.'),
  article('Lantern', '2026-11-17T21:40:00Z', 'Meta said a faulty change to its login systems caused the seven-hour outage of Facebook, ' +
    'Instagram and WhatsApp, and apologised to users. Downdetector reports fell quickly after the fix.'),
  article('Wire', '2026-11-17T21:05:00Z', 'Meta said its apps were restored after a faulty login change and apologised to users around the world.'),
];

describe('whatHappened', () => {
  it('picks central sentences from different outlets, without saying the same thing twice, in time order', () => {
    const summary = whatHappened(outage);
    expect(summary.length).toBeGreaterThanOrEqual(2);
    expect(summary.length).toBeLessThanOrEqual(3);
    expect(new Set(summary.map((sentence) => sentence.source)).size).toBe(summary.length);
    expect(summary.map((sentence) => sentence.publishedAt)).toEqual(summary.map((sentence) => sentence.publishedAt).sort());
    // The aside about a dog is no one else's news.
    expect(summary.map((sentence) => sentence.text).join(' ')).not.toMatch(/dog/);
    // "went down for users around the world on Tuesday" and "were unavailable … around the world on Tuesday" are one fact.
    const tuesday = summary.filter((sentence) => /around the world on Tuesday/.test(sentence.text));
    expect(tuesday.length).toBeLessThanOrEqual(1);
    for (const sentence of summary) expect(sentence.url).toMatch(/^https:/);
  });

  it('leaves out quotations', () => {
    const quoted = [
      article('A', '2026-11-17T14:00:00Z', '“We are aware that some people are having trouble accessing our apps,” a Meta spokesperson said.'),
      article('B', '2026-11-17T15:00:00Z', '"We are aware that some people are having trouble accessing our apps," Meta said on Tuesday.'),
    ];
    expect(whatHappened(quoted)).toEqual([]);
  });

  it('says nothing for a story from one outlet', () => {
    expect(whatHappened(outage.filter((entry) => entry.source === 'Wire'))).toEqual([]);
  });
});

describe('sentencesOf', () => {
  it('splits at sentence ends, not after initials or abbreviations, and drops fragments', () => {
    expect(sentencesOf('The U.S. Senate voted on Nov. 17 to pass the bill after a long debate. Short one. And a cut-off summary that ends with…'))
      .toEqual(['The U.S. Senate voted on Nov. 17 to pass the bill after a long debate.']);
  });
});
