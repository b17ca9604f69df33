// Reads feed dates (RFC 822, ISO 8601 and their usual broken variants) with date-fns and flags untrustworthy ones.
import { createRequire } from 'node:module';
import type { DateFlag } from '../types.ts';

// date-fns through its CommonJS build: importing the ESM `date-fns/parse` cost ~1.5 s and ~120 MB of memory at startup
// on Node 24, nearly all of it in the ESM loader's package.json handling for the ~60 files it pulls in (the profile
// shows it), against ~0.1 s and a few MB by require. The CommonJS files are the same code, in the same package.
const require = createRequire(import.meta.url);
const { isValid } = require('date-fns/isValid') as typeof import('date-fns/isValid');
const { parse } = require('date-fns/parse') as typeof import('date-fns/parse');
const { parseISO } = require('date-fns/parseISO') as typeof import('date-fns/parseISO');

/** Clocks drift and feeds round up; beyond this a date "from the future" is not believed. */
const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

// Named zones seen in feeds. Ambiguous ones (IST, BST…) are read as their most common meaning.
const ZONES: Record<string, string> = {
  GMT: '+0000', UT: '+0000', UTC: '+0000', Z: '+0000', WET: '+0000', BST: '+0100', CET: '+0100', CEST: '+0200',
  MET: '+0100', MEST: '+0200', EET: '+0200', EEST: '+0300', MSK: '+0300', IST: '+0530', JST: '+0900',
  AEST: '+1000', AEDT: '+1100', EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500',
  MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700', AKST: '-0900', AKDT: '-0800', HST: '-1000',
};

// Every format ends in an explicit offset (one is appended when missing), so the result never depends on the server's zone.
// Two-digit years come first: `yy` refuses four digits, while `yyyy` would read "26" as year 26.
const RFC822_FORMATS = [
  'd MMM yy HH:mm:ss xx', 'd MMM yy HH:mm xx', 'd MMM yyyy HH:mm:ss xx', 'd MMM yyyy HH:mm xx',
  'MMM d yyyy HH:mm:ss xx', 'MMM d yyyy HH:mm xx', // "Nov 18 2026 …", from JavaScript's Date#toString
  'd MMM yyyy xx',
];
// Nearly every feed writes "18 Nov 2026 …": with a four-digit year in place, the `yy` formats can only fail, so the
// usual case is read at the first try (each failed try is a full date-fns parse).
const FOUR_DIGIT_YEAR = /^\d{1,2} [A-Za-z]{3} \d{4}\b/;
const FOUR_DIGIT_FORMATS = RFC822_FORMATS.filter((format) => format.startsWith('d MMM yyyy'));

export interface FeedDate {
  iso: string | null;
  flag: DateFlag | null;
}

/** The date to publish: null with a flag when missing, unparseable, or more than ~10 minutes ahead of now. */
export function normalizeDate(raw: string | null | undefined, now: Date): FeedDate {
  if (!raw?.trim()) return { iso: null, flag: 'missing' };
  const date = parseFeedDate(raw, now);
  if (!date) return { iso: null, flag: 'unparseable' };
  if (date.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return { iso: null, flag: 'future' };
  return { iso: date.toISOString(), flag: null };
}

export function parseFeedDate(raw: string, now: Date): Date | null {
  const value = raw.trim().replace(/\s+/g, ' ');
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? parseIsoLike(value) : parseRfc822Like(value, now);
  return date && isValid(date) ? date : null;
}

/** ISO 8601, also with a space instead of "T", a spaced offset, or no zone at all (read as UTC). */
function parseIsoLike(value: string): Date | null {
  let iso = value.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T').replace(/ ?([+-]\d{2}:?\d{2}|Z)$/i, '$1');
  const zone = / ?([A-Z]{2,5})$/.exec(iso);
  if (zone && ZONES[zone[1]!]) iso = iso.slice(0, zone.index) + ZONES[zone[1]!];
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += iso.includes('T') ? 'Z' : 'T00:00:00Z';
  return parseISO(iso);
}

/** RFC 822/1123 and friends: day names are dropped (feeds often get them wrong), zones made numeric. */
function parseRfc822Like(value: string, now: Date): Date | null {
  let text = value
    .replace(/ ?\(.*\)$/, '') // "(Coordinated Universal Time)"
    .replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? ?/i, '') // the day name, right or wrong
    .replace(/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?/i, (month) => month.slice(0, 3))
    .replace(/,/g, ' ')
    .replace(/\bGMT(?=[+-]\d{4}$)/, '')
    .replace(/ ?([+-]\d{2}):?(\d{2})$/, ' $1$2')
    .replace(/\s+/g, ' ')
    .trim();
  const zone = / ([A-Za-z]{1,5})$/.exec(text);
  if (zone) {
    const offset = ZONES[zone[1]!.toUpperCase()];
    if (!offset) return null;
    text = text.slice(0, zone.index) + ' ' + offset;
  } else if (!/ [+-]\d{4}$/.test(text)) {
    text += ' +0000'; // no zone at all: UTC is the only neutral reading
  }
  const common = readCommonShape(text);
  if (common) return common;
  for (const format of FOUR_DIGIT_YEAR.test(text) ? FOUR_DIGIT_FORMATS : RFC822_FORMATS) {
    const date = parse(text, format, now);
    if (isValid(date)) return date;
  }
  return null;
}

const COMMON_SHAPE = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * "18 Nov 2026 10:00:00 +0000", the shape nearly every RSS date has once normalised, read directly: a date-fns parse
 * re-reads its format string on every call and was a tenth of all parsing time, once per item. Anything else, or
 * anything out of range (31 Feb, 24:00), returns null and goes to date-fns, which has the last word.
 */
function readCommonShape(text: string): Date | null {
  const match = COMMON_SHAPE.exec(text);
  if (!match) return null;
  const month = MONTHS.indexOf(match[2]!.toLowerCase());
  const [day, year, hour, minute, second, offsetHours, offsetMinutes] =
    [match[1], match[3], match[4], match[5], match[6], match[8], match[9]].map(Number) as [number, number, number, number, number, number, number];
  if (month === -1 || year < 1000 || hour > 23 || minute > 59 || second > 59 || offsetMinutes > 59) return null;
  const wallClock = Date.UTC(year, month, day, hour, minute, second);
  const check = new Date(wallClock);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return null; // the day does not exist in that month
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (match[7] === '-' ? -1 : 1);
  return new Date(wallClock - offsetMs);
}
