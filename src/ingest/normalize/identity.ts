// Makes every item of one document its own identity: feeds reuse a guid (or link every item to one page), and a key
// shared by two different items would merge them into one article rewritten with mixed fields on every fetch.
import { createHash } from 'node:crypto';
import type { FeedItem } from '../types.ts';

/**
 * Gives each item a guid no other item of the same document has. Items sharing a guid become "guid + link" when
 * their links differ, else "guid + words" (a feed without guids that links every item to its home page); an item the
 * same in guid, link and words as an earlier one is a repeat and is dropped. Unique guids are left as they are, so a
 * well-behaved feed keeps the identities already stored.
 */
export function distinctIdentities(items: readonly FeedItem[], warnings: string[]): FeedItem[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.guid, (counts.get(item.guid) ?? 0) + 1);
  if (counts.size === items.length) return [...items];

  const taken = new Set<string>();
  const kept: FeedItem[] = [];
  let split = 0;
  let repeats = 0;
  for (const item of items) {
    const candidates = counts.get(item.guid)! > 1
      ? [`${item.guid} ${item.url ?? wordsKey(item)}`, `${item.guid} ${wordsKey(item)}`]
      : [item.guid];
    const guid = candidates.find((candidate) => !taken.has(candidate));
    if (guid === undefined) {
      repeats++;
      continue;
    }
    taken.add(guid);
    if (guid !== item.guid) split++;
    kept.push(guid === item.guid ? item : { ...item, guid });
  }
  if (split) warnings.push(`${split} item(s) share a guid with another item; told apart by their links (else their words)`);
  if (repeats) warnings.push(`dropped ${repeats} item(s) repeated in the feed with the same guid, link and words`);
  return kept;
}

function wordsKey(item: FeedItem): string {
  return 'sha256:' + createHash('sha256').update(`${item.title}\n${item.summary}`).digest('hex').slice(0, 16);
}
