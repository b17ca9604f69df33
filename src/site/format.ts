// Small formatting helpers shared by pages: links under the base path, dates, short summaries. Dates are shown in UTC
// and say so: a static page is read in every time zone, and the build machine's own is arbitrary. Relative times
// ("3 h ago") are the browser's job (relative-time.ts): written at build time they would go stale.
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';

/** A site-internal link that respects the configured base path. */
export function href(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return `${base}/${path.replace(/^\//, '')}`;
}

/** "14 hours", "3 days": how long something lasted. */
export function duration(fromIso: string, toIso: string): string {
  return formatDistanceStrict(new Date(fromIso), new Date(toIso));
}

const shortFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const dayOfMonthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric' });

// Every article's time is printed on its story page, its day, its topics' pages and feeds, twice each (the text and
// the title): formatting each once is about 0.6 s less of a 5,000-story build (bench/build, CPU profile).
const shortDates = new Map<string, string>();
const fullDates = new Map<string, string>();
const remembered = (cache: Map<string, string>, iso: string, format: (iso: string) => string): string => {
  let text = cache.get(iso);
  if (text === undefined) cache.set(iso, (text = format(iso)));
  return text;
};

/** "16 Nov, 03:12" (UTC). */
export function shortDate(iso: string): string {
  return remembered(shortDates, iso, () => shortFormat.format(new Date(iso)));
}

/** "16 Nov 2026, 03:12 UTC": for title attributes and places with room. */
export function fullDate(iso: string): string {
  return remembered(fullDates, iso, () => `${fullFormat.format(new Date(iso))} UTC`);
}

/** "Monday 16 November 2026" for a YYYY-MM-DD day. */
export function dayLabel(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

/** "November 2026" for a YYYY-MM-DD day. */
export function monthLabel(day: string): string {
  return monthFormat.format(new Date(`${day}T00:00:00Z`));
}

/** "Mon 16" for a YYYY-MM-DD day. */
export function dayOfMonthLabel(day: string): string {
  return dayOfMonthFormat.format(new Date(`${day}T00:00:00Z`));
}

/**
 * A summary cut to one line's worth: the first sentence when it is short enough, else whole words up to the limit.
 * Summaries are plain text (ingest strips markup), so cutting them can never break HTML.
 */
export function oneLine(summary: string, limit = 180): string {
  const text = summary.replace(/\s+/g, ' ').trim();
  if (text.length <= limit) return text;
  const sentence = text.match(/^.{40,}?[.!?](?=\s)/)?.[0];
  if (sentence && sentence.length <= limit) return sentence;
  return `${text.slice(0, limit).replace(/\s+\S*$/, '')}…`;
}

// toLocaleString makes a new formatter on every call; one made once gives the same text.
const countFormat = new Intl.NumberFormat('en');

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${countFormat.format(count)} ${count === 1 ? one : many}`;
}
