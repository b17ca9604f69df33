// Word weights for story similarity: feed boilerplate is dropped, event words shared with other feeds stay, names
// and numbers weigh more than common words.
import { describe, expect, it } from 'vitest';
import { feedTermCounts, termCounts } from '../../src/cluster/text/lexical.ts';
import { salientTerms } from '../../src/cluster/text/terms.ts';

describe('feedTermCounts', () => {
  const incidents = ['Harbor CDN', 'Gitwell', 'Tallyhook', 'Parcelgrid', 'Northstar DNS', 'Quillpay'];
  const status = incidents.map((name, index) => ({
    key: `status-${index}`, feedId: 1, title: `${name}: degraded service (investigating)`, summary: `Status: Investigating. ${name} reports errors.`,
  }));
  const news = incidents.slice(0, 3).map((name, index) => ({
    key: `news-${index}`, feedId: 2 + index, title: `${name} outage hits customers`, summary: `${name} says its service is degraded.`,
  }));

  it('drops words that fill one feed and appear nowhere else, and keeps words other feeds use too', () => {
    const counts = feedTermCounts([...status, ...news]);
    const first = counts.get('status-0')!.counts;
    expect(first.has('investigating')).toBe(false);
    expect(first.has('status')).toBe(false);
    expect(first.has('harbor')).toBe(true);
    expect(first.has('degraded')).toBe(true); // in every status item, but the news feeds use it as well
  });

  it('leaves feeds with too few items in view alone', () => {
    const counts = feedTermCounts(status.slice(0, 3));
    expect(counts.get('status-0')!.counts.has('investigating')).toBe(true);
  });
});

describe('termCounts', () => {
  it('counts headline words twice and names or numbers twice again', () => {
    const title = 'Magnitude 6.8 earthquake strikes near Valparaíso';
    const summary = 'the earthquake damaged roads';
    const { counts, words } = termCounts(title, summary);
    expect(counts.get('valparaíso')).toBe(4);
    expect(counts.get('earthquake')).toBe(3);
    expect(counts.get('roads')).toBe(1);
    expect(words).toBe(salientTerms(title).length + salientTerms(summary).length);
  });
});
