// `wirefold demo --db postgres://…` end to end, beside the same demo on SQLite: both build a site, and the stories
// (which articles each holds, its title and lead) are the same on both engines.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { articlesByStory, liveStories } from '../../src/store/site-reads.ts';
import { runWirefold, tempFolder } from '../helpers.ts';
import { freshPostgresLocation, postgresSkipReason } from '../backends.ts';

/** Each live story as the URLs of its articles (sorted), with its title and its lead's URL; sorted, so ids do not matter. */
async function storiesOf(location: string): Promise<string[]> {
  const store = await openStore(location, { readOnly: true });
  try {
    const articles = await articlesByStory(store);
    return (await liveStories(store)).map((story) => {
      const members = articles.get(story.id) ?? [];
      const lead = members.find((article) => article.id === story.leadArticleId);
      return JSON.stringify({ urls: members.map((article) => article.url).sort(), title: story.title, lead: lead?.url });
    }).sort();
  } finally {
    await store.close();
  }
}

describe.skipIf(postgresSkipReason !== null)('wirefold demo on PostgreSQL', () => {
  let folder: string;
  let postgres: string;
  let pgRun: ReturnType<typeof runWirefold>;
  let sqliteRun: ReturnType<typeof runWirefold>;

  beforeAll(async () => {
    folder = tempFolder();
    postgres = await freshPostgresLocation('demo');
    pgRun = runWirefold(['demo', '--db', postgres, '--out', join(folder, 'site-pg')], { cwd: folder, timeout: 300_000 });
    sqliteRun = runWirefold(['demo', '--db', join(folder, 'demo.db'), '--out', join(folder, 'site-sqlite')], { cwd: folder, timeout: 300_000 });
  }, 600_000);

  it('runs every stage and builds the site', () => {
    expect(pgRun.status, pgRun.stderr).toBe(0);
    expect(pgRun.stdout).toMatch(/cluster: 15\d articles placed/);
    expect(existsSync(join(folder, 'site-pg', 'index.html'))).toBe(true);
    // Each connection's SET ran while the pool handed the client out: pg warned "Calling client.query() when the client
    // is already executing a query is deprecated" on every run.
    expect(pgRun.stderr).not.toContain('DeprecationWarning');
  });

  it('makes the same stories as the demo on SQLite', async () => {
    expect(sqliteRun.status, sqliteRun.stderr).toBe(0);
    const [onPostgres, onSqlite] = [await storiesOf(postgres), await storiesOf(join(folder, 'demo.db'))];
    expect(onPostgres.length).toBeGreaterThan(50);
    expect(onPostgres).toEqual(onSqlite);
  });

  it('starts afresh on a second run, and refuses a schema holding a store the demo did not make', async () => {
    const again = runWirefold(['demo', '--db', postgres, '--out', join(folder, 'site-pg')], { cwd: folder, timeout: 300_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(await storiesOf(postgres)).toEqual(await storiesOf(join(folder, 'demo.db')));
    const real = await freshPostgresLocation('real');
    const store = await openStore(real);
    await store.close();
    const refused = runWirefold(['demo', '--db', real, '--out', join(folder, 'site-real')], { cwd: folder });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refusing to use .* for the demo: it is not a store an earlier demo made/);
  }, 300_000);
});

if (postgresSkipReason) describe.skip(`wirefold demo on postgres: ${postgresSkipReason}`, () => it('runs end to end', () => undefined));
