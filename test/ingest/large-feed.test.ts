// Large feeds in linear time (issue 13): every per-item store look-up is an index search, never a walk over the feed.
// (Times are measured in bench/ingest/large-feed.ts, never asserted in tests.)
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

it("finds an article of the same feed by its words through the (feed_id, content_hash) index", async () => {
  const store = await openStore(join(tempFolder(), 'plan.db'));
  try {
    // The query saveFeedItems runs for every new item whose guid and link are unknown.
    const plan = sqliteDb(store).prepare('EXPLAIN QUERY PLAN SELECT id FROM articles WHERE feed_id = ?1 AND content_hash = ?2 ORDER BY id LIMIT 1')
      .all(1, 'x') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH articles USING (COVERING )?INDEX articles_feed_content \(feed_id=\? AND content_hash=\?\)/);
  } finally {
    await store.close();
  }
});
