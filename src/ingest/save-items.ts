// Storing a feed's items with ingest's near-copy rule: the store saves and answers "candidates for these keys"; the
// decision which candidate a new article copies is ingest's (near-copy.ts).
import type { Store } from '../store/store.ts';
import { keyUnkeyedArticles as keyUnkeyed, saveFeedItems as saveItems } from '../store/articles.ts';
import type { SaveCounts } from '../store/articles.ts';
import type { FeedItem } from '../model/feed-item.ts';
import { nearCopyJudge } from './near-copy.ts';

/** Stores what one feed served (see src/store/articles.ts saveFeedItems), marking near copies of other outlets' articles. */
export function saveFeedItems(store: Store, feedId: number, items: readonly FeedItem[], now: string): Promise<SaveCounts> {
  return saveItems(store, feedId, items, now, nearCopyJudge);
}

/** Keys the articles of a store from before near-copy keys, once; returns how many were keyed. */
export function keyUnkeyedArticles(store: Store): Promise<number> {
  return keyUnkeyed(store, nearCopyJudge);
}
