// Wire datelines at the start of summaries, as the agencies write them, and text that only looks like one.
import { describe, expect, it } from 'vitest';
import { stripDateline } from '../../src/site/dateline.ts';

describe('stripDateline', () => {
  it.each([
    ['(Meridian) — Engineers restored service on Friday.', 'Engineers restored service on Friday.'],
    ['WASHINGTON (Reuters) - The Senate voted on Tuesday.', 'The Senate voted on Tuesday.'],
    ['WASHINGTON (Reuters) — The Senate voted on Tuesday.', 'The Senate voted on Tuesday.'],
    ['LONDON, Nov 17 (AP) — Shares fell in early trading.', 'Shares fell in early trading.'],
    ['SAN FRANCISCO, Nov. 17 (Reuters) -- A startup said…', 'A startup said…'],
    ['NEW YORK (AP) – Markets opened higher.', 'Markets opened higher.'],
    ['(CNN)The storm made landfall overnight.', 'The storm made landfall overnight.'],
    ['(CNN Business) — Apple said on Monday…', 'Apple said on Monday…'],
    ['BEIJING — China reported growth of 5%.', 'China reported growth of 5%.'],
    ['ST. LOUIS, Nov 3 (Reuters) - Boeing workers…', 'Boeing workers…'],
    ['  (Meridian) — Leading spaces too.', 'Leading spaces too.'],
  ])('%s', (summary, expected) => {
    expect(stripDateline(summary)).toBe(expected);
  });

  it.each([
    'NASA said the Artemis launch slips to March.',
    'AI startups raised $4bn in October.',
    'Engineers restored service (after two hours) — and apologised.',
    'The outage began at 09:12 UTC - about two hours ago.',
    'US - China trade talks resume on Monday.',
    '',
  ])('leaves "%s" alone', (summary) => {
    expect(stripDateline(summary)).toBe(summary);
  });
});
