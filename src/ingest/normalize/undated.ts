// Dates the items whose own date is missing or unreadable from what the feed itself says, so that a back catalogue
// read for the first time does not land on the front page as if all of it were published at the moment of fetching.
import type { FeedItem } from '../types.ts';
import { normalizeDate } from './date.ts';

/**
 * Gives each undated item (dateFlag missing/unparseable) an estimated date, keeping its flag: the older of its nearest
 * dated neighbours in document order (feeds list items by date, so an item sits between the dates around it), else
 * the feed's own date (lastBuildDate, pubDate, Atom updated). Items with no estimate keep a null date. Says what it
 * did in the warnings.
 */
export function dateUndatedItems(items: FeedItem[], feedDate: string | null, now: Date, warnings: string[]): FeedItem[] {
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
    return { ...item, published: neighbour ?? feedIso };
  });
  if (fromNeighbours) warnings.push(`${fromNeighbours} item(s) had no readable date; dated from the items around them`);
  if (fromFeed) warnings.push(`${fromFeed} item(s) had no readable date; dated from the feed's own date ${feedIso}`);
  if (none) warnings.push(`${none} item(s) had no readable date and the feed gives none: stored as first seen, flagged undated`);
  return dated;
}

function isUndated(item: FeedItem): boolean {
  return item.dateFlag === 'missing' || item.dateFlag === 'unparseable';
}

function older(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b; // ISO strings from toISOString compare as dates
}
