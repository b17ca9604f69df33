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
type Locale = import('date-fns').Locale;

/** Clocks drift and feeds round up; beyond this a date "from the future" is not believed. */
const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

// Named zones seen in feeds. Ambiguous ones (IST, BST, CST…) are read as their most common meaning in feeds.
const ZONES: Record<string, string> = {
  GMT: '+0000', UT: '+0000', UTC: '+0000', Z: '+0000', WET: '+0000', WEST: '+0100', BST: '+0100', IST: '+0530',
  CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', MEZ: '+0100', MESZ: '+0200', EET: '+0200', EEST: '+0300',
  MSK: '+0300', MSD: '+0400', TRT: '+0300', GST: '+0400', PKT: '+0500', NPT: '+0545', ICT: '+0700', WIB: '+0700',
  HKT: '+0800', SGT: '+0800', AWST: '+0800', PHT: '+0800', JST: '+0900', KST: '+0900', ACST: '+0930', ACDT: '+1030',
  AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300', SAST: '+0200', CAT: '+0200', EAT: '+0300', WAT: '+0100',
  ART: '-0300', BRT: '-0300', BRST: '-0200', CLT: '-0400', NST: '-0330', NDT: '-0230', AST: '-0400', ADT: '-0300',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  AKST: '-0900', AKDT: '-0800', HST: '-1000', HAST: '-1000', HADT: '-0900', SST: '-1100',
};

/*
 * Day and month names in other languages, taken from date-fns' own locales rather than typed in: every width and
 * context they format with, also without accents ("fevr", "dec") and without the abbreviation dot. They are turned
 * into English month abbreviations (days are dropped, as English ones are) before the usual formats are tried.
 */
const LOCALES = ['enUS', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'fi', 'sv', 'da', 'nb', 'pl', 'cs', 'ro', 'ca', 'tr', 'ru'];
const ENGLISH_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Words that join a date's parts in some languages ("4 de febrero de 2026", "klo 10.00", "um 10:00 Uhr"). */
const FILLERS = new Set(['de', 'del', 'do', 'da', 'di', 'le', 'den', 'der', 'um', 'uhr', 'klo', 'kello', 'kl', 'à', 'a', 'às', 'as', 'alle', 'at', 'h']);

const nameTables = (() => {
  const months = new Map<string, string>();
  const days = new Set<string>();
  const add = (name: string, into: (key: string) => void) => {
    for (const key of nameKeys(name)) into(key);
  };
  for (const code of LOCALES) {
    const locale = (require(`date-fns/locale/${code === 'enUS' ? 'en-US' : code}`) as Record<string, Locale>)[code]!;
    const localize = locale.localize;
    for (const width of ['abbreviated', 'wide'] as const) {
      for (const context of ['formatting', 'standalone'] as const) {
        for (let month = 0; month < 12; month++) {
          add(localize.month(month as never, { width, context }), (key) => months.set(key, ENGLISH_MONTHS[month]!));
        }
      }
    }
    for (const width of ['short', 'abbreviated', 'wide'] as const) {
      for (let day = 0; day < 7; day++) add(localize.day(day as never, { width }), (key) => days.add(key));
    }
  }
  // Common English spellings the locale does not format with.
  for (const [name, month] of [['sept', 'Sep'], ['june', 'Jun'], ['july', 'Jul'], ['mrz', 'Mar'], ['mae', 'Mar']] as const) months.set(name, month);
  for (const name of ['tues', 'thur', 'thurs']) days.add(name);
  return { months, days };
})();

/** Lookup keys for a name: lower case, without its dot, with and without accents. */
function nameKeys(name: string): string[] {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return [lower, stripAccents(lower)];
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

const WORD = /\p{L}[\p{L}-]*\.?/gu;

/**
 * Replaces the month name (any language date-fns knows) by its English abbreviation and drops day names and filler
 * words; other words (zone names, AM/PM) stay. A word that can be a day or a month ("mar": mardi/martes or March) is
 * the month only when no month name follows the first digit ("Fri Apr 03 …" against "mar., 04 févr. …").
 */
function englishNames(value: string): string {
  const words = [...value.matchAll(WORD)];
  if (words.length === 0) return value;
  const firstDigit = value.search(/\d/);
  const key = (word: string) => stripAccents(word.toLowerCase().replace(/\.$/, ''));
  const monthWords = words.filter((word) => nameTables.months.has(key(word[0])));
  const month = monthWords.find((word) => word.index > firstDigit) ?? monthWords.filter((word) => word.index < firstDigit).at(-1);
  let out = '';
  let last = 0;
  for (const word of words) {
    const name = key(word[0]);
    let replacement: string | null = null;
    if (word === month) replacement = nameTables.months.get(name)!;
    else if (nameTables.months.has(name) || nameTables.days.has(name) || FILLERS.has(name)) replacement = ' ';
    else if (name === 'am' && word.index < firstDigit) replacement = ' '; // German "am 12. März"; after the time it is AM
    if (replacement === null) continue;
    out += value.slice(last, word.index) + replacement;
    last = word.index + word[0].length;
  }
  return out + value.slice(last);
}

// Every format ends in an explicit offset (one is appended when missing), so the result never depends on the server's zone.
// Two-digit years come first: `yy` refuses four digits, while `yyyy` would read "26" as year 26.
const RFC822_FORMATS = [
  'd MMM yy HH:mm:ss xx', 'd MMM yy HH:mm xx', 'd MMM yyyy HH:mm:ss xx', 'd MMM yyyy HH:mm xx',
  'MMM d yyyy HH:mm:ss xx', 'MMM d yyyy HH:mm xx', // "Nov 18 2026 …", from JavaScript's Date#toString
  'd MMM yyyy xx', 'MMM d yyyy xx',
  'MMM d yyyy h:mm:ss a xx', 'MMM d yyyy h:mm a xx', 'd MMM yyyy h:mm:ss a xx', 'd MMM yyyy h:mm a xx',
  'd.M.yyyy HH:mm:ss xx', 'd.M.yyyy HH:mm xx', 'd.M.yyyy xx', // "18.11.2026 10:00", the German numeric shape
];
// Nearly every feed writes "18 Nov 2026 …": with a four-digit year in place, the `yy` formats can only fail, so the
// usual case is read at the first try (each failed try is a full date-fns parse).
const FOUR_DIGIT_YEAR = /^\d{1,2} [A-Za-z]{3} \d{4}\b/;
const FOUR_DIGIT_FORMATS = RFC822_FORMATS.filter((format) => format.startsWith('d MMM yyyy'));

export interface FeedDate {
  iso: string | null;
  flag: DateFlag | null;
}

/** The date to publish: null with a flag when missing or unparseable; now, flagged, when more than ~10 minutes ahead. */
export function normalizeDate(raw: string | null | undefined, now: Date): FeedDate {
  if (!raw?.trim()) return { iso: null, flag: 'missing' };
  const date = parseFeedDate(raw, now);
  if (!date) return { iso: null, flag: 'unparseable' };
  // A date from the future would sit on top of the front page until it came true: it is clamped to now.
  if (date.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return { iso: now.toISOString(), flag: 'future' };
  return { iso: date.toISOString(), flag: null };
}

export function parseFeedDate(raw: string, now: Date): Date | null {
  const value = raw.trim().replace(/\s+/g, ' ').replace(/^(\d{4})\/(\d{2})\/(\d{2})\b/, '$1-$2-$3'); // 2026/11/18
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? parseIsoLike(value) : parseRfc822Like(value, now);
  return date && isValid(date) ? date : null;
}

/** ISO 8601, also with a space instead of "T", a spaced offset, or no zone at all (read as UTC). */
function parseIsoLike(value: string): Date | null {
  let iso = value.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T').replace(/ ?([+-]\d{2}:?\d{2}|Z)$/i, '$1')
    .replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ?([+-]\d{2})$/, '$1$2:00'); // an offset in whole hours: "+01"
  const zone = / ?([A-Z]{2,5})$/.exec(iso);
  if (zone && ZONES[zone[1]!]) iso = iso.slice(0, zone.index) + ZONES[zone[1]!];
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += iso.includes('T') ? 'Z' : 'T00:00:00Z';
  return parseISO(iso);
}

/** RFC 822/1123 and friends: day names are dropped (feeds often get them wrong), zones made numeric. */
function parseRfc822Like(value: string, now: Date): Date | null {
  let text = englishNames(value.replace(/ ?\(.*\)$/, '')) // "(Coordinated Universal Time)"
    .replace(/,/g, ' ')
    .replace(/^(\d{1,2})-([A-Za-z]{3})-(\d{2,4})\b/, '$1 $2 $3') // "18-Nov-2026"
    .replace(/ [-–@|] (?=\d{1,2}[:.]\d{2})/, ' ') // "January 1 2026 - 10:00"
    .replace(/(\d{1,2})\.(?= )/, '$1') // "23. Januar"
    .replace(/\b(\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?=\s|$)(?!\s*\d{4})/, (_, h: string, m: string, sec?: string) => `${h}:${m}${sec ? `:${sec}` : ''}`) // "klo 10.00"
    .replace(/\s+/g, ' ')
    .trim()
    // Java's Date#toString and Twitter put the zone (or offset) between the time and the year: "Apr 03 17:00:00 UTC 2020".
    .replace(/^([A-Z][a-z]{2} \d{1,2}) (\d{1,2}:\d{2}(?::\d{2})?)((?: \S+)?) (\d{4})$/, '$1 $4 $2$3')
    .replace(/\b(?:GMT|UTC)(?=[+-]\d{1,2}(?::?\d{2})?$)/, '')
    .replace(/([+-])(\d)(?=(?::?\d{2})?$)/, '$10$2') // "+1" -> "+01"
    .replace(/ ?([+-]\d{2})(?::?(\d{2}))?$/, (_, hours: string, minutes?: string) => ` ${hours}${minutes ?? '00'}`);
  const zone = / ([A-Za-z]{1,5})$/.exec(text);
  if (zone && /^(am|pm)$/i.test(zone[1]!)) {
    text += ' +0000';
  } else if (zone) {
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
