// The store's share of bench/ingest's first run, alone and deterministic: the 2,000 bench feeds are parsed once, then
// their 50,000 items are stored through saveFeedItems (24 feeds per transaction, as LandingWriter batches them, in feed
// order, at one fixed time) into a fresh SQLite store, in a fresh process per round. No network and no parse worker, so
// its CPU time varies far less than the whole run's on a shared machine.
// `node bench/ingest/store-replay.ts [baseline-checkout] [rounds]`: with a baseline (say /work/main), that checkout's
// saveFeedItems runs beside this tree's, sides alternating within each round, and the two stores of the last round are
// compared row by row (every column of articles but its unread fingerprint, article_sources, article_copy_keys and
// feeds, EXCEPT both ways): the rows must be the same, ids included, since both store the same items in the same order.
// Prints medians; exits 1 on any row that differs.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { loadavg } from 'node:os';
import { median, nextMessage, isType } from '../child-figures.ts';

const FEEDS = 2000;
const ITEMS = 25;
const BATCH = 24;
const NOW = '2026-12-01T00:00:00.000Z';
const TABLES = ['articles', 'article_sources', 'article_copy_keys', 'feeds'];
const here = fileURLToPath(import.meta.url);
const thisTree = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Replayed {
  type: 'replayed';
  cpuMs: number;
  added: number;
}

/** In the child: stores the items through `checkout`'s saveFeedItems into `db` and answers with its CPU time. */
async function replay(checkout: string, itemsPath: string, db: string): Promise<Replayed> {
  const { openStore } = await import(join(checkout, 'src/store/store.ts'));
  const { upsertFeed } = await import(join(checkout, 'src/store/feeds.ts'));
  const { saveFeedItems } = await import(join(checkout, 'src/ingest/save-items.ts'));
  const feeds = JSON.parse(readFileSync(itemsPath, 'utf8')) as unknown[][];
  const store = await openStore(db);
  const ids: number[] = [];
  await store.transaction(async () => {
    for (let index = 0; index < feeds.length; index++) ids.push(await upsertFeed(store, { url: feedUrl(index) }, NOW));
  });
  let added = 0;
  const cpu = process.cpuUsage();
  for (let start = 0; start < feeds.length; start += BATCH) {
    await store.transaction(async () => {
      for (let index = start; index < Math.min(start + BATCH, feeds.length); index++) {
        added += (await saveFeedItems(store, ids[index]!, feeds[index]!, NOW)).added;
      }
    });
  }
  const used = process.cpuUsage(cpu);
  await store.close();
  return { type: 'replayed', cpuMs: (used.user + used.system) / 1000, added };
}

const feedUrl = (index: number) => `http://127.0.0.1:${9000 + (index % 200)}/feed/${index}`;

/**
 * Columns left out of the comparison: articles.text_fingerprint is written empty since 2026-12-02 (src/store/articles.ts),
 * so against an older checkout it would differ in every row while nothing reads it.
 */
const UNREAD_COLUMNS = new Set(['articles.text_fingerprint']);

/** Rows only one of two stores holds, per table (every column compared but UNREAD_COLUMNS). */
function differingRows(first: string, second: string): Record<string, number> {
  const db = new DatabaseSync(first, { readOnly: true });
  try {
    db.exec(`ATTACH '${second.replaceAll("'", "''")}' AS other`);
    const count = (sql: string) => (db.prepare(`SELECT count(*) AS n FROM (${sql})`).get() as { n: number }).n;
    const columnsIn = (schema: string, table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as { name: string }[])
      .map((row) => row.name).filter((name) => !UNREAD_COLUMNS.has(`${table}.${name}`)).join(', ');
    return Object.fromEntries(TABLES.map((table) => {
      const columns = columnsIn('main', table);
      const otherColumns = columnsIn('other', table);
      // A column only one side has would go uncompared: that is a schema difference, not a row difference.
      if (otherColumns !== columns) throw new Error(`${table} has other columns in the two stores: ${columns} / ${otherColumns}`);
      return [table,
        count(`SELECT ${columns} FROM main.${table} EXCEPT SELECT ${columns} FROM other.${table}`) +
        count(`SELECT ${columns} FROM other.${table} EXCEPT SELECT ${columns} FROM main.${table}`)];
    }));
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const baseline = process.argv[2] && !/^\d+$/.test(process.argv[2]) ? resolve(process.argv[2]) : null;
  const rounds = Number(process.argv.find((arg, index) => index >= 2 && /^\d+$/.test(arg)) ?? 3);
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-store-replay-'));
  try {
    const { parseFeed } = await import('../../src/ingest/parse.ts');
    const { generateFeed } = await import('./feeds.ts');
    const now = new Date(NOW);
    const feeds = Array.from({ length: FEEDS }, (_, index) => parseFeed(new TextEncoder().encode(generateFeed(index, ITEMS).body),
      { url: feedUrl(index), contentType: 'application/xml', now, firstRead: true }).items);
    const itemsPath = join(folder, 'items.json');
    writeFileSync(itemsPath, JSON.stringify(feeds));
    const sides = [...(baseline ? [{ name: `baseline ${baseline}`, checkout: baseline }] : []), { name: 'this tree', checkout: thisTree }];
    const results = new Map<string, number[]>(sides.map((side) => [side.name, []]));
    const load = loadavg()[0]!;
    for (let round = 0; round < rounds; round++) {
      for (const [index, side] of sides.entries()) {
        const child = fork(here, ['--replay', side.checkout, itemsPath, join(folder, `side-${index}.db`)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        const answer = await nextMessage<Replayed>(child, isType('replayed'), 600_000, `store replay (${side.name})`);
        results.get(side.name)!.push(answer.cpuMs);
        console.error(`round ${round + 1}/${rounds}, ${side.name}: ${(answer.cpuMs / 1000).toFixed(2)} s CPU, ${answer.added} added, load ${loadavg()[0]!.toFixed(2)}`);
      }
    }
    const medians = sides.map((side) => median(results.get(side.name)!));
    console.log(`store replay: ${FEEDS} feeds × ${ITEMS} items, ${BATCH} feeds per transaction, ${rounds} round(s); load ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
    sides.forEach((side, index) => console.log(`  ${side.name}: median ${(medians[index]! / 1000).toFixed(2)} s CPU` +
      (baseline && index > 0 ? ` (${(medians[index]! / medians[0]!).toFixed(2)}× the baseline's)` : '')));
    if (baseline) {
      const differing = differingRows(join(folder, 'side-0.db'), join(folder, 'side-1.db'));
      console.log(`  rows only in one store: ${Object.entries(differing).map(([table, n]) => `${table} ${n}`).join(', ')}`);
      if (Object.values(differing).some((n) => n > 0)) process.exitCode = 1;
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--replay') {
  const [checkout, itemsPath, db] = process.argv.slice(3) as [string, string, string];
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  process.send!(await replay(checkout, itemsPath, db));
  process.disconnect();
} else {
  await main();
}
