// A store that an older Wirefold's cluster run left half written when it was killed (memberships saved, the stories
// themselves never refreshed, so the site showed new ones with 0 articles and grown ones as they were): the next run
// mends those stories.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { liveStoryIds } from '../../src/store/stories.ts';
import { storyProfiles } from '../../src/store/story-profiles.ts';
import { syntheticModelId, syntheticStream, writeStream } from '../../bench/cluster/synthetic-stream.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

describe('a store an interrupted older cluster run left', () => {
  it('has its stories whose counts disagree with their members refreshed from them by the next run', async () => {
    const now = new Date('2026-03-31T00:00:00Z');
    const store = await openStore(join(tempFolder(), 'old-damage.db'));
    await writeStream(store, syntheticStream(1000, now.getTime() - 5 * 86400_000, 5), now.toISOString());
    await clusterArticles(store, { modelId: syntheticModelId, topicSeeds: [], now });
    const damaged = (await liveStoryIds(store)).slice(0, 40);
    const intact = storyRows(store, damaged);

    // What saveMemberships alone wrote for a new story: an empty row, with the members.
    sqliteDb(store).prepare(`UPDATE stories SET title = '', lead_article_id = NULL, score = 0, first_published_at = '', last_published_at = '',
                      article_count = 0, source_count = 0 WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(damaged));
    sqliteDb(store).prepare('DELETE FROM story_profiles WHERE story_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(damaged));
    // And for a story that had grown: the row as it was before the run, one article short.
    const grown = (sqliteDb(store).prepare(`SELECT id FROM stories WHERE merged_into IS NULL AND article_count > 2
                                     AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 1`).get(JSON.stringify(damaged)) as { id: string }).id;
    const grownBefore = storyRows(store, [grown]);
    sqliteDb(store).prepare('UPDATE stories SET article_count = article_count - 1, title = ? WHERE id = ?').run('an older lead', grown);
    const summary = await clusterArticles(store, { modelId: syntheticModelId, topicSeeds: [], now });

    expect(summary.clustered).toBe(0);
    expect(storyRows(store, damaged)).toEqual(intact);
    expect(storyRows(store, [grown])).toEqual(grownBefore);
    expect((await storyProfiles(store, syntheticModelId, damaged)).size).toBe(damaged.length);
    await store.close();
  });
});

/** What the site shows of each story, apart from the score (which ages with the clock). */
function storyRows(store: Store, ids: readonly string[]): unknown[] {
  return sqliteDb(store).prepare(`SELECT id, title, lead_article_id, first_published_at, last_published_at, article_count, source_count
                           FROM stories WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(JSON.stringify(ids));
}
