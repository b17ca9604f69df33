// Large feeds in linear time (issue 13): every per-item store look-up is an index search, never a walk over the feed.
// (Times are measured in bench/ingest/large-feed.ts, never asserted in tests.)
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { copyCandidates } from '../../src/store/articles.ts';
import { keyCarriersSql } from '../../src/store/article-lookups.ts';
import { toPostgres } from '../../src/store/postgres.ts';
import type { PostgresStore } from '../../src/store/postgres.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';
import { freshPostgresLocation, postgresSkipReason } from '../backends.ts';

it("finds an article of the same feed by its words, and a key's near-copy carriers, through their indexes", async () => {
  const store = await openStore(join(tempFolder(), 'plan.db'));
  try {
    // The query saveFeedItems runs for every new item whose guid and link are unknown.
    const plan = sqliteDb(store).prepare('EXPLAIN QUERY PLAN SELECT id FROM articles WHERE feed_id = ?1 AND content_hash = ?2 ORDER BY id LIMIT 1')
      .all(1, 'x') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH articles USING (COVERING )?INDEX articles_feed_content \(feed_id=\? AND content_hash=\?\)/);
    // The near-copy carriers of keys: searches of the primary key, each for the next carrier above the last, which stop
    // after the few asked for however many articles share a key (no scan, and no sort of every carrier).
    const carriers = (sqliteDb(store).prepare(`EXPLAIN QUERY PLAN ${keyCarriersSql.sqlite}`).all('[1]', 16) as { detail: string }[])
      .map((row) => row.detail).filter((detail) => /article_copy_keys|\bc\b/.test(detail));
    expect(carriers).toEqual(['SEARCH article_copy_keys USING PRIMARY KEY (key=?)', 'SEARCH c USING PRIMARY KEY (key=? AND article_id>?)']);
  } finally {
    await store.close();
  }
});

interface PlanNode { 'Node Type': string; 'Index Name'?: string; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] }
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

describe.skipIf(postgresSkipReason)('near-copy candidates on PostgreSQL', () => {
  // bench/scale-out found most of the database's CPU in this look-up: on a new store filling up, before autovacuum had
  // analyzed it, PostgreSQL walked the article_id index and filtered the whole table for every new article.
  it('are found by their keys, not by walking article_id, before the table has statistics', async () => {
    const store = await openStore(await freshPostgresLocation('copy_plan'));
    try {
      const q = sqlOf(store);
      // Planned at every execution: PostgreSQL's default would switch to one generic plan after five executions, made
      // while the table is small (here, as autovacuum did in the bench, analyzed at 60 rows), and keep that plan (a
      // sequential scan) as the table grows.
      await (store as PostgresStore).script(`INSERT INTO feeds (url, added_at) VALUES ('https://outlet.example/feed', '2026-11-30T00:00:00Z');
        INSERT INTO articles (feed_id, title, summary, content_html, published_at, first_seen_at, updated_at, content_hash, text_fingerprint)
          SELECT 1, 'Title ' || g, 'Summary', '', '2026-11-30', '2026-11-30', '2026-11-30', 'hash' || g, 'print' || g
          FROM generate_series(1, 5000) AS g;
        INSERT INTO article_copy_keys (key, article_id) SELECT g * 7919, 1 + g % 5000 FROM generate_series(1, 60) AS g;
        ANALYZE article_copy_keys;`);
      const plans = await store.transaction(async () => {
        for (let round = 0; round < 8; round++) await copyCandidates(store, [round + 1]);
        return q.all<{ generic_plans: number; custom_plans: number }>(
          'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = ?', [toPostgres(keyCarriersSql.postgres).text]);
      });
      expect(plans).toEqual([{ generic_plans: 0, custom_plans: 8 }]);
      // 30,000 keys of 5,000 articles and statistics from when it had 60 (autovacuum kept off), as during a first ingest.
      await (store as PostgresStore).script(`ALTER TABLE article_copy_keys SET (autovacuum_enabled = false);
        DELETE FROM article_copy_keys;
        INSERT INTO article_copy_keys (key, article_id) SELECT g * 7919, 1 + g % 5000 FROM generate_series(1, 30000) AS g;`);
      const explain = async (keys: number[]) => {
        const rows = await q.all<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${toPostgres(keyCarriersSql.postgres).text}`, [keys, 16]);
        return planNodes(rows[0]!['QUERY PLAN'][0].Plan);
      };
      for (const keys of [[1, 2, 3, 4, 5, 6], [7919 * 3, 7919 * 5003, 11]]) {
        const nodes = await explain(keys);
        expect(nodes.map((node) => node['Index Name']).filter(Boolean)).toEqual(['article_copy_keys_pkey']);
        expect(nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
      }
      // Keys 3·7919 and 5003·7919 both belong to article 4; key 11 to none.
      expect((await copyCandidates(store, [7919 * 3, 7919 * 5003, 11])).map((candidate) => candidate.id)).toEqual([4]);
    } finally {
      await store.close();
    }
  });
});
