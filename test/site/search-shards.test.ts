// The search shard key (src/site/search-shards.ts): ISO 8601 weeks of a story's first day, whose week-numbering year
// differs from the calendar year around New Year.
import { describe, expect, it } from 'vitest';
import { storyShard } from '../../src/site/search-shards.ts';

describe('storyShard', () => {
  it('names the ISO week of the day, Monday to Sunday', () => {
    expect(storyShard('2026-11-30')).toBe('stories-2026-W49');
    expect(storyShard('2026-12-06')).toBe('stories-2026-W49');
    expect(storyShard('2026-12-07')).toBe('stories-2026-W50');
    expect(storyShard('2026-03-02')).toBe('stories-2026-W10');
  });

  it('puts the days around New Year in the week they share, under its week-numbering year', () => {
    expect(storyShard('2027-01-01')).toBe('stories-2026-W53');
    expect(storyShard('2024-12-30')).toBe('stories-2025-W01');
  });
});
