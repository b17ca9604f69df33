// The two ends of `wirefold store copy` on each engine: a source read as one snapshot, and a target written where no
// one sees it until it is verified (SQLite: a temporary file beside the target, linked into place; PostgreSQL: one
// transaction, schema creation included). Both ends read rows the same way, so the checksum pass uses them too.
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import pg from 'pg';
import { openStore } from './store.ts';
import { SqliteStore } from './sqlite.ts';
import { connectionProblem, PostgresStore, types, upgradeSchema } from './postgres.ts';
import { describeLocation } from './location.ts';
import type { StoreLocation } from './location.ts';
import { quoted, tablesNotCopied } from './copy-plan.ts';
import type { TableCopy, TableShape } from './copy-plan.ts';

type Row = unknown[];

/** What both ends can do: describe their tables, and read one in primary-key order, in batches. */
export interface CopyEnd {
  /** Every table of the store's schema, in creation order. */
  tables(): Promise<TableShape[]>;
  /** The rows of `table` (only `columns`, in that order), ordered by its key, `batchRows` at a time. */
  rows(table: TableShape, columns: readonly string[], batchRows: number): AsyncIterable<Row[]>;
  /** How many rows `table` holds. */
  count(table: TableShape): Promise<number>;
}

export interface CopySource extends CopyEnd {
  /** Ends the snapshot and closes the store; never writes. */
  close(): Promise<void>;
}

export interface CopyTarget extends CopyEnd {
  /** Tables already holding rows (a target must hold none). */
  tablesWithRows(): Promise<string[]>;
  insert(table: TableCopy, rows: readonly Row[]): Promise<void>;
  /** The last writes: foreign keys checked, PostgreSQL sequences advanced past the copied ids. Reads see the copy after. */
  endWrites(): Promise<void>;
  /** Puts the verified copy in place. */
  commit(): Promise<void>;
  /** Leaves no trace of the copy (safe to call at any point, and more than once). */
  abandon(): Promise<void>;
}

/** Thrown when the target already holds data or a file: the copy never overwrites. */
export class TargetInUseError extends Error {
  override name = 'TargetInUseError';
}

/** Thrown when the source and the target are one store. */
export class SameStoreError extends Error {
  override name = 'SameStoreError';
}

const orderBy = (table: TableShape) => table.key.map(quoted).join(', ');
const selectAll = (table: TableShape, columns: readonly string[]) =>
  `SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table.name)} ORDER BY ${orderBy(table)}`;

// ---- SQLite ----

function sqliteTables(db: DatabaseSync): TableShape[] {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid").all() as { name: string }[];
  return names.map(({ name }) => {
    const columns = db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as { name: string; pk: number }[];
    const key = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
    return { name, columns: columns.map((column) => column.name), key: key.length > 0 ? key : columns.map((column) => column.name) };
  });
}

async function* sqliteRows(db: DatabaseSync, table: TableShape, columns: readonly string[], batchRows: number): AsyncIterable<Row[]> {
  const statement = db.prepare(selectAll(table, columns));
  statement.setReturnArrays(true);
  let batch: Row[] = [];
  for (const row of statement.iterate()) {
    batch.push(row as unknown as Row);
    if (batch.length === batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const countRows = (table: TableShape) => `SELECT count(*) AS n FROM ${quoted(table.name)}`;
const sqliteCount = (db: DatabaseSync, table: TableShape) => Number((db.prepare(countRows(table)).get() as { n: number }).n);

/** The SQLite store at `path` (it must exist and be up to date), read in one read transaction. */
export async function sqliteSource(path: string): Promise<CopySource> {
  const store = await openStore(path, { readOnly: true, mustExist: true });
  const { db } = store as SqliteStore;
  // A deferred read transaction takes its snapshot at its first read; in WAL mode writers go on beside it.
  db.exec('BEGIN');
  const tables = sqliteTables(db);
  return {
    tables: async () => tables,
    rows: (table, columns, batchRows) => sqliteRows(db, table, columns, batchRows),
    count: async (table) => sqliteCount(db, table),
    close: async () => {
      if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
      await store.close();
    },
  };
}

/** Flushes a file or folder to disk (a folder: the names in it). */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The files SQLite may keep beside a database. */
const sqliteFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

/**
 * A new SQLite store at `path`, written to a temporary file beside it and linked into place by commit. Throws
 * TargetInUseError when anything is at `path` already (or a journal of a former database: SQLite would replay it).
 */
export async function sqliteTarget(path: string): Promise<CopyTarget> {
  const full = resolve(path);
  const present = [full, `${full}-wal`, `${full}-journal`].filter((file) => existsSync(file));
  if (present.length > 0) throw new TargetInUseError(`${present[0]} exists; a copy never overwrites a file (name a new one)`);
  const temporary = `${full}.copy-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  let createdFolder: string | undefined;
  const removeTemporary = () => {
    // Never throws: it also runs on the way out of a failure (a path through a file is ENOTDIR, not ENOENT).
    const remove = (path: string, recursive = false) => {
      try {
        rmSync(path, { force: true, recursive });
      } catch {
        // nothing of ours is there
      }
    };
    for (const file of sqliteFiles(temporary)) remove(file);
    if (createdFolder && !existsSync(full)) remove(createdFolder, true);
  };
  // Ctrl-C or a failure anywhere: the temporary file goes with the process, never to be taken for a store.
  process.on('exit', removeTemporary);
  let store: SqliteStore;
  try {
    createdFolder = mkdirSync(resolve(full, '..'), { recursive: true });
    store = await openStore(temporary) as SqliteStore;
  } catch (error) {
    process.off('exit', removeTemporary);
    removeTemporary();
    throw new Error(`cannot write a store at ${full}: ${(error as Error).message}`);
  }
  const { db } = store;
  // The temporary file is no one's store until it is verified, and a crash leaves it to be deleted: it needs no
  // journal on disk and no syncs while it fills (WAL would also write every page twice). One fsync before it is
  // linked into place makes it durable; it goes back to WAL, as every store is, before that.
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536');
  db.exec('BEGIN IMMEDIATE');
  // Rows go in table by table, and a story may be merged into one that sorts after it: foreign keys are checked once,
  // at the end (SQLite resets this at COMMIT).
  db.exec('PRAGMA defer_foreign_keys = ON');
  const inserts = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const finish = async () => {
    process.off('exit', removeTemporary);
    if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
    await store.close();
  };
  return {
    tables: async () => sqliteTables(db),
    rows: (table, columns, batchRows) => sqliteRows(db, table, columns, batchRows),
    count: async (table) => sqliteCount(db, table),
    tablesWithRows: async () => sqliteTables(db).filter((table) => db.prepare(`SELECT 1 FROM ${quoted(table.name)} LIMIT 1`).get()).map((table) => table.name),
    insert: async (table, rows) => {
      let insert = inserts.get(table.name);
      if (!insert) {
        insert = db.prepare(`INSERT INTO ${quoted(table.name)} (${table.copied.map(quoted).join(', ')}) VALUES (${table.copied.map(() => '?').join(', ')})`);
        inserts.set(table.name, insert);
      }
      for (const row of rows) insert.run(...(row as SQLInputValue[]));
    },
    endWrites: async () => {
      try {
        // SQLite counted the rows whose parent was missing as they went in; COMMIT fails while any is left.
        db.exec('COMMIT');
      } catch (error) {
        // The whole-store scan runs only to name the row (a second or more on a large store).
        const broken = db.prepare('PRAGMA foreign_key_check').get() as { table: string; rowid: number; parent: string } | undefined;
        if (broken) throw new Error(`a row of ${broken.table} (rowid ${broken.rowid}) refers to a ${broken.parent} row that does not exist`);
        throw error;
      }
    },
    commit: async () => {
      db.exec('PRAGMA journal_mode = WAL');
      await finish();
      try {
        syncFile(temporary);
        // link, not rename: it fails if a file appeared at the target meanwhile, where rename would replace it.
        linkSync(temporary, full);
        syncFile(dirname(full));
      } finally {
        removeTemporary();
      }
    },
    abandon: async () => {
      await finish();
      removeTemporary();
    },
  };
}

// ---- PostgreSQL ----

async function postgresTables(client: pg.ClientBase): Promise<TableShape[]> {
  const tables = (await client.query(
    "SELECT oid, relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p') ORDER BY oid",
  )).rows as { oid: number; relname: string }[];
  const shapes: TableShape[] = [];
  for (const { oid, relname } of tables) {
    const columns = (await client.query('SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [oid]))
      .rows.map((row: { attname: string }) => row.attname);
    const key = (await client.query(
      `SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.n`, [oid],
    )).rows.map((row: { attname: string }) => row.attname);
    shapes.push({ name: relname, columns, key: key.length > 0 ? key : columns });
  }
  return shapes;
}

const postgresCount = async (client: pg.ClientBase, table: TableShape) => Number((await client.query(countRows(table))).rows[0].n);

let cursors = 0;

/** Rows through a cursor of the client's open transaction, so a large table never sits in memory whole. */
async function* postgresRows(client: pg.ClientBase, table: TableShape, columns: readonly string[], batchRows: number): AsyncIterable<Row[]> {
  const cursor = `wf_copy_${++cursors}`;
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${selectAll(table, columns)}`);
  try {
    for (;;) {
      const { rows } = await client.query({ text: `FETCH ${batchRows} FROM ${cursor}`, rowMode: 'array' });
      if (rows.length === 0) return;
      yield rows as Row[];
    }
  } finally {
    await client.query(`CLOSE ${cursor}`);
  }
}

/** Which store a connection is in: its database and schema on a server told apart by port and start time. */
async function postgresIdentity(client: pg.ClientBase): Promise<string> {
  const row = (await client.query(
    'SELECT current_database() AS database, current_schema() AS schema, inet_server_port() AS port, pg_postmaster_start_time()::text AS started',
  )).rows[0] as Record<string, unknown>;
  return JSON.stringify(row);
}

export interface PostgresSource extends CopySource {
  readonly identity: string;
}

/** The PostgreSQL store at `url` (it must exist and be up to date), read in one REPEATABLE READ READ ONLY transaction. */
export async function postgresSource(url: string): Promise<PostgresSource> {
  const store = await openStore(url, { readOnly: true, mustExist: true, connections: 1 }) as PostgresStore;
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const identity = await postgresIdentity(client);
    const tables = await postgresTables(client);
    return {
      identity,
      tables: async () => tables,
      rows: (table, columns, batchRows) => postgresRows(client, table, columns, batchRows),
      count: (table) => postgresCount(client, table),
      close: async () => {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        await store.close();
      },
    };
  } catch (error) {
    client.release();
    await store.close();
    throw error;
  }
}

const bytes = (value: unknown): unknown =>
  value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;

/** PostgreSQL binds at most 65,535 parameters per statement; a batch of rows stays below that. */
const maxParameters = 65_535;

/**
 * The PostgreSQL store at `location`, filled in one transaction that creates its tables too, so a copy that fails or
 * is killed leaves the schema as it was. The schema must hold no tables or an empty Wirefold store
 * (TargetInUseError otherwise). Throws SameStoreError when it is the store `sourceIdentity` names.
 */
export async function postgresTarget(location: StoreLocation & { kind: 'postgres' }, sourceIdentity: string | null): Promise<CopyTarget> {
  const where = describeLocation(location);
  const client = new pg.Client({ connectionString: location.url, types, application_name: 'wirefold store copy' });
  client.on('error', () => undefined); // a dropped connection fails the next query, which reports it
  await client.connect().catch((error: unknown) => {
    throw new Error(`cannot reach the PostgreSQL store ${where}: ${connectionProblem(error)}`);
  });
  let open = true;
  const abandon = async () => {
    if (!open) return;
    open = false;
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    if (sourceIdentity !== null && await postgresIdentity(client) === sourceIdentity) throw new SameStoreError(`${where} is the source store itself`);
    await client.query('BEGIN');
    await upgradeSchema(client, where, {});
    // Foreign keys are checked once, after the last row: a story may be merged into one copied after it. The
    // constraints get their first form back before the commit.
    const foreignKeys = (await client.query(
      "SELECT conrelid::regclass::text AS relation, conname FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
    )).rows as { relation: string; conname: string }[];
    for (const { relation, conname } of foreignKeys) {
      await client.query(`ALTER TABLE ${relation} ALTER CONSTRAINT ${quoted(conname)} DEFERRABLE INITIALLY DEFERRED`);
    }
    const inserts = new Map<string, string>();
    const target: CopyTarget = {
      tables: () => postgresTables(client),
      rows: (table, columns, batchRows) => postgresRows(client, table, columns, batchRows),
      count: (table) => postgresCount(client, table),
      tablesWithRows: async () => {
        const found: string[] = [];
        for (const table of await postgresTables(client)) {
          if (table.name in tablesNotCopied) continue;
          if ((await client.query(`SELECT 1 FROM ${quoted(table.name)} LIMIT 1`)).rows.length > 0) found.push(table.name);
        }
        return found;
      },
      insert: async (table, rows) => {
        const perRow = table.copied.length;
        const batch = Math.max(1, Math.floor(maxParameters / perRow));
        for (let start = 0; start < rows.length; start += batch) {
          const slice = rows.slice(start, start + batch);
          const key = `${table.name}:${slice.length}`;
          let text = inserts.get(key);
          if (!text) {
            const values = slice.map((_, row) => `(${table.copied.map((__, column) => `$${row * perRow + column + 1}`).join(', ')})`);
            text = `INSERT INTO ${quoted(table.name)} (${table.copied.map(quoted).join(', ')}) VALUES ${values.join(', ')}`;
            inserts.set(key, text);
          }
          await client.query(text, slice.flat().map(bytes));
        }
      },
      endWrites: async () => {
        await client.query('SET CONSTRAINTS ALL IMMEDIATE');
        for (const { relation, conname } of foreignKeys) {
          await client.query(`ALTER TABLE ${relation} ALTER CONSTRAINT ${quoted(conname)} NOT DEFERRABLE`);
        }
        // Identity columns hand out ids from a sequence that knows nothing of the copied rows: without this, the
        // target's first `feeds add` would take id 1 and collide.
        const identities = (await client.query(
          `SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped`,
        )).rows as { relname: string; attname: string }[];
        for (const { relname, attname } of identities) {
          await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${quoted(attname)}), 0) + 1, false) FROM ${quoted(relname)}`,
            [quoted(relname), attname]);
        }
      },
      commit: async () => {
        await client.query('COMMIT');
        open = false;
        await client.end();
      },
      abandon,
    };
    return target;
  } catch (error) {
    await abandon();
    throw error;
  }
}
