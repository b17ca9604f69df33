// Versioned schema migrations, applied in order on open; the user_version pragma records how far a file has come.
import { feedHost } from './hosts.ts';
import type { Param } from './connection.ts';

/**
 * Rows a migration fills from JavaScript, for a value SQL cannot compute the same way on both engines (a URL's
 * host, which must be the WHATWG parser's): each row `select` returns is passed to `values`, whose parameters (or
 * null, to leave the row alone) are run with `update`. Both dialects run it inside the migration's transaction.
 */
export interface RowFill {
  select: string;
  update: string;
  values: (row: Record<string, unknown>) => Param[] | null;
}

/** A migration that also fills rows (see RowFill); most are SQL alone. */
export interface FillingMigration {
  sql: string;
  fill: RowFill;
}

export type Migration = string | FillingMigration;

/** A migration's SQL, in the shared dialect. */
export const migrationSql = (migration: Migration): string => (typeof migration === 'string' ? migration : migration.sql);

export const migrations: readonly Migration[] = [
  // 1: the first schema.
  `
  CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    site_url TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'active',
    etag TEXT,
    last_modified TEXT,
    last_fetched_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch_at TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
  );

  CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id),
    canonical_url TEXT UNIQUE,
    original_url TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    content_html TEXT NOT NULL,
    author TEXT,
    image TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    published_at TEXT NOT NULL,
    date_flag TEXT,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_fingerprint TEXT NOT NULL,
    copy_of INTEGER REFERENCES articles(id)
  );
  CREATE INDEX articles_published ON articles(published_at);
  CREATE INDEX articles_fingerprint ON articles(text_fingerprint);

  -- Every (feed, guid) that carried an article: one article can have several sources.
  CREATE TABLE article_sources (
    feed_id INTEGER NOT NULL REFERENCES feeds(id),
    guid TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (feed_id, guid)
  );
  CREATE INDEX article_sources_article ON article_sources(article_id);

  CREATE TABLE embeddings (
    content_hash TEXT NOT NULL,
    model_id TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (content_hash, model_id)
  );

  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    lead_article_id INTEGER REFERENCES articles(id),
    score REAL NOT NULL DEFAULT 0,
    first_published_at TEXT NOT NULL,
    last_published_at TEXT NOT NULL,
    article_count INTEGER NOT NULL DEFAULT 0,
    source_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into TEXT REFERENCES stories(id)
  );
  CREATE INDEX stories_last_published ON stories(last_published_at);

  CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    story_id TEXT NOT NULL REFERENCES stories(id)
  );
  CREATE INDEX story_articles_story ON story_articles(story_id);

  CREATE TABLE related_stories (
    story_id TEXT NOT NULL REFERENCES stories(id),
    related_id TEXT NOT NULL REFERENCES stories(id),
    rank INTEGER NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY (story_id, related_id)
  );

  CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '[]',
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE topic_stories (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    story_id TEXT NOT NULL REFERENCES stories(id),
    weight REAL NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (topic_id, story_id)
  );
  CREATE INDEX topic_stories_story ON topic_stories(story_id);

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    ok INTEGER,
    counts TEXT NOT NULL DEFAULT '{}',
    errors TEXT NOT NULL DEFAULT '[]'
  );
  `,
  // 2: what topics need to grow incrementally. A topic's profile per model holds the sum of its stories' unit
  // centroids and of their unit term vectors, with the story count, so a new story is compared with the topic's
  // average member without loading the members. term_documents counts the articles each word appears in (the row
  // with the empty term holds the number of articles counted), for inverse document frequencies. labelled_stories
  // records how many stories a discovered topic's label was drawn from, so it is redrawn only when the topic doubles.
  `
  CREATE TABLE topic_profiles (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    model_id TEXT NOT NULL,
    vector_sum BLOB NOT NULL,
    term_sums TEXT NOT NULL DEFAULT '{}',
    stories INTEGER NOT NULL,
    PRIMARY KEY (topic_id, model_id)
  );

  CREATE TABLE term_documents (
    term TEXT PRIMARY KEY,
    documents INTEGER NOT NULL
  ) WITHOUT ROWID;

  ALTER TABLE topics ADD COLUMN labelled_stories INTEGER NOT NULL DEFAULT 0;
  `,
  // 3: near-copy detection (src/ingest/near-copy.ts). Each article's MinHash bands as integer keys: articles sharing a
  // key are candidate copies. Key 0 marks an article whose text is too short to compare, so that every article has
  // a row once looked at, and articles stored before this migration are found (and keyed) by the lowest article_id.
  // The exact-words fingerprint is no longer looked up, so its index only cost writes.
  `
  CREATE TABLE article_copy_keys (
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (key, article_id)
  ) WITHOUT ROWID;
  CREATE INDEX article_copy_keys_article ON article_copy_keys(article_id);
  DROP INDEX articles_fingerprint;
  `,
  // 4: each story's profile per model (src/store/story-profiles.ts): the sum of its members' vectors and their count,
  // its unit TF-IDF term vector (JSON) with the terms alone (space-separated, cheap to index) and the words' share in
  // the blend. Written whenever a story changes.
  `
  CREATE TABLE story_profiles (
    story_id TEXT NOT NULL REFERENCES stories(id),
    model_id TEXT NOT NULL,
    vector_sum BLOB NOT NULL,
    size INTEGER NOT NULL,
    terms TEXT NOT NULL,
    term_list TEXT NOT NULL,
    word_weight REAL NOT NULL,
    PRIMARY KEY (story_id, model_id)
  );
  `,
  // 5: when a feed's current run of failures began (null while it works), so `doctor` can name feeds failing for a
  // day or more; consecutive_failures alone cannot tell an hour of retries from a week.
  `
  ALTER TABLE feeds ADD COLUMN failing_since TEXT;
  UPDATE feeds SET failing_since = last_fetched_at WHERE consecutive_failures > 0;
  `,
  // 6: ingest finds an article of the same feed by its words (src/store/articles.ts saveFeedItems) for every new
  // item; without this index that look-up walked all of the feed's sources, so one large feed was quadratic
  // (50,000 items stored nothing in 5 minutes).
  `
  CREATE INDEX articles_feed_content ON articles(feed_id, content_hash);
  `,
  // 7: feed leases, so several ingest workers can share one PostgreSQL store (src/store/feeds.ts leaseDueFeeds):
  // a worker marks the feeds it takes until lease_until; another skips them until then, so a killed worker's feeds
  // come back once its lease expires. recordFetch clears the lease.
  `
  ALTER TABLE feeds ADD COLUMN lease_until TEXT;
  ALTER TABLE feeds ADD COLUMN leased_by TEXT;
  CREATE INDEX feeds_next_fetch ON feeds(next_fetch_at);
  `,
  // 8: per-host politeness across ingest workers on PostgreSQL (src/store/hosts.ts): each feed's host (the WHATWG
  // URL hostname, so filled from JavaScript; upsertFeed and a move keep it), and one row per host that a worker leases
  // while it fetches that host's feeds, or that a 429/503 answer asks every worker to leave alone until
  // next_allowed_at. SQLite, with one ingest at a time, only keeps the column filled.
  {
    sql: `
    ALTER TABLE feeds ADD COLUMN host TEXT;
    CREATE INDEX feeds_host ON feeds(host);
    CREATE TABLE hosts (
      host TEXT PRIMARY KEY,
      next_allowed_at TEXT,
      leased_by TEXT,
      lease_until TEXT
    );
    `,
    fill: {
      select: 'SELECT id, url FROM feeds',
      update: 'UPDATE feeds SET host = ? WHERE id = ?',
      values: (row) => {
        const host = feedHost(String(row.url));
        return host === null ? null : [host, Number(row.id)];
      },
    },
  },
];
