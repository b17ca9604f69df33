// Dates the items whose own date is missing or unreadable from what the feed itself says, so that a back catalogue
// read for the first time does not land on the front page as if all of it were published at the moment of fetching.
import type { FeedItem } from '../types.ts';
import { normalizeDate } from './date.ts';

/**
 * Gives each undated item (dateFlag missing/unparseable) an estimated date, keeping its flag: the older of its nearest
 * dated neighbours in document order (feeds list items by date, so an item sits between the dates around it), else
 * the feed's own date (lastBuildDate, pubDate, Atom updated). Items with no estimate keep a null date, and the store
 * dates them at first sight. Says what it did in the warnings.
 *
 * The rule for items with no estimate at all: on a later read of a feed, an item that was not there before appeared
 * since the last fetch, so its first sight is an honest date. On the feed's first read it may be years old: such an
 * item is flagged 'undated' and the store keeps it out of clustering, so it never makes or joins a story and never
 * reaches the front page, "latest" or a story's score. We chose that over inventing a date (the epoch, or the oldest
 * date of the run): a wrong date would show on pages, and none is better than a guess.
 */
export function dateUndatedItems(items: FeedItem[], feedDate: string | null, firstRead: boolean, now: Date,
  warnings: string[]): FeedItem[] {
  if (!items.some(isUndated)) return items;
  const feedIso = normalizeDate(feedDate, now).iso;
  // The nearest own date above and below each position, found in two linear passes.
  const above: (string | null)[] = [];
  let last: string | null = null;
  for (const item of items) {
    above.push(last);
    if (item.dateFlag === null && item.published) last = item.published; // only own, believed dates
  }
  const below: (string | null)[] = new Array(items.length).fill(null);
  last = null;
  for (let index = items.length - 1; index >= 0; index--) {
    below[index] = last;
    const item = items[index]!;
    if (item.dateFlag === null && item.published) last = item.published; // only own, believed dates
  }

  let fromNeighbours = 0;
  let fromFeed = 0;
  let none = 0;
  const dated = items.map((item, index) => {
    if (!isUndated(item)) return item;
    const neighbour = older(above[index]!, below[index]!);
    if (neighbour) fromNeighbours++;
    else if (feedIso) fromFeed++;
    else none++;
    const published = neighbour ?? feedIso;
    if (!published && firstRead) return { ...item, published, dateFlag: 'undated' as const };
    return { ...item, published };
  });
  if (fromNeighbours) warnings.push(`${fromNeighbours} item(s) had no readable date; dated from the items around them`);
  if (fromFeed) warnings.push(`${fromFeed} item(s) had no readable date; dated from the feed's own date ${feedIso}`);
  if (none && firstRead) {
    warnings.push(`${none} item(s) had no readable date and the feed gives none: on a first read they may be old, so they are flagged undated and kept off the front page and latest`);
  } else if (none) {
    warnings.push(`${none} item(s) had no readable date and the feed gives none: new since the last read, so dated as first seen`);
  }
  return dated;
}

function isUndated(item: FeedItem): boolean {
  return item.dateFlag === 'missing' || item.dateFlag === 'unparseable';
}

function older(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b; // ISO strings from toISOString compare as dates
}
