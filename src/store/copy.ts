// `wirefold store copy <from> <to>`: moves a store between SQLite and PostgreSQL (or to another file or schema of the
// same engine) losing nothing. The source is read as one snapshot and never written; the target is built where no one
// sees it, verified by row counts and a content checksum computed on each side, and only then put in place.
import { existsSync, realpathSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseStoreLocation } from './location.ts';
import type { StoreLocation } from './location.ts';
import { copyPlan } from './copy-plan.ts';
import type { TableCopy } from './copy-plan.ts';
import { postgresSource, postgresTarget, SameStoreError, sqliteSource, sqliteTarget, TargetInUseError } from './copy-ends.ts';
import type { CopyEnd, CopySource, CopyTarget } from './copy-ends.ts';
import { RowChecksum } from './row-checksum.ts';

/** One table of a copy: rows and checksum on each side. */
export interface TableVerification {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
}

export interface CopyReport {
  tables: TableVerification[];
  /** True when every table's counts and checksums agree; only then is the target in place. */
  verified: boolean;
  /** Rows written to the target. */
  rows: number;
  /** Wall-clock seconds, copy and verification. */
  seconds: number;
}

export interface CopyOptions {
  /** Rows read and written per batch (default 1,000). */
  batchRows?: number;
  /**
   * Called after each batch is written, with its table, the rows written so far (all tables) and the rows the source
   * snapshot holds in all (for progress; tests write to the source here).
   */
  onBatch?: (table: string, copied: number, total: number) => void | Promise<void>;
  /** Called after each table is verified, with the tables verified so far and their number (progress). */
  onVerified?: (table: string, verified: number, total: number) => void;
}

/** The real path a SQLite location has or would have (its folder's symlinks resolved where the folder exists). */
function sqliteIdentity(path: string): string {
  const full = resolve(path);
  if (existsSync(full)) return realpathSync(full);
  const folder = dirname(full);
  return existsSync(folder) ? join(realpathSync(folder), basename(full)) : full;
}

async function openSource(location: StoreLocation): Promise<CopySource & { identity?: string }> {
  return location.kind === 'sqlite' ? sqliteSource(location.path) : postgresSource(location.url);
}

async function openTarget(location: StoreLocation, source: { identity?: string }): Promise<CopyTarget> {
  return location.kind === 'sqlite' ? sqliteTarget(location.path) : postgresTarget(location, source.identity ?? null);
}

/** Counts and checksums one table as `end` holds it. */
async function checksum(end: CopyEnd, table: TableCopy, batchRows: number): Promise<{ rows: number; digest: string }> {
  const sum = new RowChecksum();
  for await (const batch of end.rows(table, table.copied, batchRows)) for (const row of batch) sum.add(row);
  return { rows: sum.rows, digest: sum.digest() };
}

/**
 * Copies the store at `from` to `to` (each a SQLite path, `sqlite:PATH` or `postgres://` URL, as --db takes them) and
 * verifies it: every table of the source schema but those copy-plan.ts names, rows in primary-key order, in batches
 * of `batchRows`. The target is put in place only when every table's row count and SHA-256 checksum (row-checksum.ts)
 * agree; otherwise the report says `verified: false` and there is no target. Throws StoreLocationError (an unknown
 * scheme), SameStoreError, StoreMissingError (no source; none is created), TargetInUseError (the target holds data or
 * a file), SchemaMismatchError, or the engine's error for a row the target refuses; in every case no target is left.
 */
export async function copyStore(from: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  const started = performance.now();
  const batchRows = options.batchRows ?? 1000;
  const source = parseStoreLocation(from);
  const target = parseStoreLocation(to);
  if (source.kind === 'sqlite' && target.kind === 'sqlite' && sqliteIdentity(source.path) === sqliteIdentity(target.path)) {
    throw new SameStoreError(`${source.path} is both the source and the target`);
  }
  const reader = await openSource(source);
  try {
    const writer = await openTarget(target, reader);
    try {
      const holding = await writer.tablesWithRows();
      if (holding.length > 0) throw new TargetInUseError(`the target already holds data (in ${holding.join(', ')}); a copy never overwrites a store`);
      const plan = copyPlan(await reader.tables(), await writer.tables());
      let total = 0;
      for (const table of plan) total += await reader.count(table);
      let rows = 0;
      for (const table of plan) {
        for await (const batch of reader.rows(table, table.copied, batchRows)) {
          await writer.insert(table, batch);
          rows += batch.length;
          await options.onBatch?.(table.name, rows, total);
          // SQLite calls are synchronous, so without this the whole copy runs in one turn of the event loop and a
          // Ctrl-C is handled only after it (then the temporary file's exit hook could not run in time).
          await nextTurn();
        }
      }
      await writer.endWrites();
      const tables: TableVerification[] = [];
      for (const table of plan) {
        const before = await checksum(reader, table, batchRows);
        const after = await checksum(writer, table, batchRows);
        tables.push({ table: table.name, sourceRows: before.rows, targetRows: after.rows, sourceChecksum: before.digest, targetChecksum: after.digest });
        options.onVerified?.(table.name, tables.length, plan.length);
      }
      const verified = tables.every((table) => table.sourceRows === table.targetRows && table.sourceChecksum === table.targetChecksum);
      if (verified) await writer.commit();
      else await writer.abandon();
      return { tables, verified, rows, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      await writer.abandon();
      throw error;
    }
  } finally {
    await reader.close();
  }
}
