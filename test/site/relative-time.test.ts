// The phrase the browser writes over a <time data-relative>, and the inline script that carries it.
import { describe, expect, it } from 'vitest';
import { relativePhrase, relativeTimesScript } from '../../src/site/relative-time.ts';

const now = Date.parse('2026-11-30T12:00:00Z');
const ago = (ms: number) => relativePhrase(now - ms, now);
const minute = 60_000;

describe('relativePhrase', () => {
  it.each([
    [0, 'just now'],
    [-5 * minute, 'just now'],
    [59_000, 'just now'],
    [minute, '1 min ago'],
    [59 * minute, '59 min ago'],
    [60 * minute, '1 h ago'],
    [23 * 60 * minute + 59 * minute, '23 h ago'],
    [24 * 60 * minute, '1 day ago'],
    [10 * 24 * 60 * minute, '10 days ago'],
    [31 * 24 * 60 * minute, '31 days ago'],
  ])('%i ms ago reads "%s"', (ms, phrase) => {
    expect(ago(ms)).toBe(phrase);
  });

  it('gives up after a month, where the absolute date says more', () => {
    expect(ago(40 * 24 * 60 * minute)).toBeNull();
  });
});

describe('relativeTimesScript', () => {
  it('is plain JavaScript that runs on its own: no module syntax or bundler helpers', () => {
    expect(relativeTimesScript).not.toMatch(/\b(import|export|require|__name)\b/);
    expect(() => new Function(relativeTimesScript)).not.toThrow();
  });
});
