import { afterEach, describe, expect, it } from 'vitest';
import { normalizeDate } from '../../src/ingest/normalize/date.ts';
import { NOW, itemByGuid, parseFixture } from './load.ts';

describe('dates in a feed', () => {
  const feed = parseFixture('dates.xml');
  const date = (guid: string) => {
    const item = itemByGuid(feed, guid);
    return { published: item.published, flag: item.dateFlag };
  };

  it('flags missing, unparseable and future dates and publishes none of them', () => {
    expect(date('missing')).toEqual({ published: null, flag: 'missing' });
    expect(date('unparseable')).toEqual({ published: null, flag: 'unparseable' });
    expect(date('future')).toEqual({ published: null, flag: 'future' });
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
