import { afterEach, describe, expect, it } from 'vitest';
import { normalizeDate } from '../../src/ingest/normalize/date.ts';
import { NOW, itemByGuid, parseFixture } from './load.ts';
import type { ParsedFeed } from '../../src/ingest/types.ts';

describe('dates in a feed', () => {
  const feed = parseFixture('dates.xml');
  const date = (guid: string) => {
    const item = itemByGuid(feed, guid);
    return { published: item.published, flag: item.dateFlag };
  };

  it('flags missing and unparseable dates and dates them from the nearest dated item; clamps future dates to now', () => {
    // The first dated item below them is near-future (12:05); "future" is clamped, so it is no anchor.
    expect(date('missing')).toEqual({ published: '2026-11-20T12:05:00.000Z', flag: 'missing' });
    expect(date('unparseable')).toEqual({ published: '2026-11-20T12:05:00.000Z', flag: 'unparseable' });
    expect(date('future')).toEqual({ published: NOW.toISOString(), flag: 'future' });
  });

  it('allows a few minutes of clock drift', () => {
    expect(date('near-future')).toEqual({ published: '2026-11-20T12:05:00.000Z', flag: null });
  });

  it.each(['two-digit-year', 'est', 'pdt', 'ut', 'wrong-day', 'no-t', 'no-zone', 'long-names', 'dc-date'])(
    'reads the %s variant as 2026-11-18T14:03Z',
    (guid) => {
      expect(date(guid)).toEqual({ published: '2026-11-18T14:03:00.000Z', flag: null });
    },
  );
});

describe('normalizeDate', () => {
  const zone = process.env['TZ'];
  afterEach(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it('reads zone-less dates as UTC whatever the server time zone', () => {
    process.env['TZ'] = 'America/Los_Angeles';
    expect(normalizeDate('2026-11-18 14:03:00', NOW).iso).toBe('2026-11-18T14:03:00.000Z');
    expect(normalizeDate('18 Nov 2026 14:03', NOW).iso).toBe('2026-11-18T14:03:00.000Z');
  });

  it('reads JavaScript Date#toString output and offsets with colons', () => {
    expect(normalizeDate('Wed Nov 18 2026 15:03:00 GMT+0100 (Central European Standard Time)', NOW).iso).toBe('2026-11-18T14:03:00.000Z');
    expect(normalizeDate('2026-11-18T16:03:00+02:00', NOW).iso).toBe('2026-11-18T14:03:00.000Z');
    expect(normalizeDate('18 Sept 2026 14:03:00 GMT', NOW).iso).toBe('2026-09-18T14:03:00.000Z');
  });

  it('treats an unknown zone name or nonsense as unparseable, blank as missing', () => {
    expect(normalizeDate('Wed, 18 Nov 2026 14:03:00 XYZ', NOW)).toEqual({ iso: null, flag: 'unparseable' });
    expect(normalizeDate('2026-13-45', NOW)).toEqual({ iso: null, flag: 'unparseable' });
    expect(normalizeDate('mardi prochain', NOW)).toEqual({ iso: null, flag: 'unparseable' });
    expect(normalizeDate('  ', NOW)).toEqual({ iso: null, flag: 'missing' });
  });
});

describe('the common RFC 1123 shape', () => {
  it('is read exactly as date-fns reads it, and impossible dates are still refused', async () => {
    const { parse } = await import('date-fns/parse');
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const pad = (value: number) => String(value).padStart(2, '0');
    let state = 7;
    const next = (bound: number) => (state = (state * 1103515245 + 12345) % 2147483648) % bound;
    for (let round = 0; round < 500; round++) {
      const day = 1 + next(31); // 31 Apr and 30 Feb included on purpose
      const offset = `${next(2) ? '+' : '-'}${pad(next(15))}${pad(next(4) * 15)}`;
      const text = `${days[next(7)]}, ${pad(day)} ${months[next(12)]} ${2000 + next(30)} ${pad(next(25))}:${pad(next(60))}:${pad(next(61))} ${offset}`;
      const expected = parse(text.slice(5), 'dd MMM yyyy HH:mm:ss xx', NOW);
      const read = normalizeDate(text, new Date('2100-01-01T00:00:00Z'));
      expect(read.iso, text).toBe(Number.isNaN(expected.getTime()) ? null : expected.toISOString());
    }
  });
});

describe('date shapes from around the world', () => {
  const feed = parseFixture('date-shapes-world.rss');

  it.each(feed.items.map((item) => item.guid))('reads the %s shape as 2026-02-04T07:15Z', (guid) => {
    expect(date(feed, guid)).toEqual({ published: '2026-02-04T07:15:00.000Z', flag: null });
  });

  it('tells a day name from a month name by position ("mar." is Tuesday before the day, March after it)', () => {
    expect(normalizeDate('mar., 03 mars 2026 10:00:00 +0000', NOW).iso).toBe('2026-03-03T10:00:00.000Z');
    expect(normalizeDate('Mar 03 2026 10:00:00 GMT', NOW).iso).toBe('2026-03-03T10:00:00.000Z');
    expect(normalizeDate('mar, 03 mar 2026 10:00:00 GMT', NOW).iso).toBe('2026-03-03T10:00:00.000Z');
  });

  it('reads slashed and dashed dates and an offset in whole hours', () => {
    expect(normalizeDate('2026/11/18 10:00:00', NOW).iso).toBe('2026-11-18T10:00:00.000Z');
    expect(normalizeDate('18-Nov-2026 10:00', NOW).iso).toBe('2026-11-18T10:00:00.000Z');
    expect(normalizeDate('2026-11-18T10:00:00+01', NOW).iso).toBe('2026-11-18T09:00:00.000Z');
    expect(normalizeDate('2026-11-18', NOW).iso).toBe('2026-11-18T00:00:00.000Z');
  });

  it('reads a dash between the date and the time', () => {
    expect(normalizeDate('Thursday, January 1, 2026 - 10:00', NOW).iso).toBe('2026-01-01T10:00:00.000Z');
  });
});

describe('items without a readable date on a first fetch', () => {
  it('are dated from the older of the dated items around them, else from the feed, and say so', () => {
    const feed = parseFixture('undated-back-catalogue.rss');
    expect(date(feed, 'b')).toEqual({ published: '2020-02-01T10:00:00.000Z', flag: 'missing' });
    expect(date(feed, 'd')).toEqual({ published: '2020-02-01T10:00:00.000Z', flag: 'unparseable' });
    expect(feed.warnings.join('\n')).toMatch(/2 item\(s\) had no readable date; dated from the items around them/);
  });

  it("fall back to the feed's own date", () => {
    const feed = parseFixture('undated-feed-date-only.atom');
    expect(feed.items.map((item) => item.published)).toEqual(['2019-06-01T00:00:00.000Z', '2019-06-01T00:00:00.000Z']);
    expect(feed.warnings.join('\n')).toMatch(/dated from the feed's own date/);
  });

  it('stay undated (never "now") when nothing in the feed is dated', () => {
    const feed = parseFixture('undated-no-dates-at-all.rss');
    expect(feed.items[0]).toMatchObject({ published: null, dateFlag: 'undated' });
    expect(feed.warnings.join('\n')).toMatch(/flagged undated and kept off the front page and latest/);
  });

  it('on a later read are new since the last one, so they keep their own flag and are dated at first sight', () => {
    const feed = parseFixture('undated-no-dates-at-all.rss', { firstRead: false });
    expect(feed.items[0]).toMatchObject({ published: null, dateFlag: 'missing' });
    expect(feed.warnings.join('\n')).toMatch(/new since the last read, so dated as first seen/);
  });
});

function date(feed: ParsedFeed, guid: string) {
  const item = itemByGuid(feed, guid);
  return { published: item.published, flag: item.dateFlag };
}
