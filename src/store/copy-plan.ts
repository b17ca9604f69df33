// What `wirefold store copy` copies: every table and column the store's schema holds, read from the schema itself, so
// a table a later migration adds is copied without anyone remembering to list it. Only what is named below is left
// out, each with its reason; the copy prints these, and test/store/store-copy.test.ts checks that every table of a
// fresh store is either copied (with rows) or named here.

/** A table as the schema describes it: its columns in order, and its primary key (the copy's and checksum's order). */
export interface TableShape {
  name: string;
  columns: string[];
  /** The primary key's columns, in key order; every column when a table has none (so the order is still total). */
  key: string[];
}

/** Tables that are not copied, and why. */
export const tablesNotCopied: Readonly<Record<string, string>> = {
  wirefold_schema: 'PostgreSQL bookkeeping: the target\'s own migrations write its schema version, and the demo\'s mark is not copied',
};

/** Columns (`table.column`) that are not copied (the target keeps their default), and why. */
export const columnsNotCopied: Readonly<Record<string, string>> = {
  'feeds.lease_until': 'a lease is work state of the ingest workers on the source, not data; the target starts with no feed leased',
  'feeds.leased_by': 'a lease is work state of the ingest workers on the source, not data; the target starts with no feed leased',
  'hosts.lease_until': 'a host lease is work state of the ingest workers on the source, like a feed\'s; the target starts with no host leased',
  'hosts.leased_by': 'a host lease is work state of the ingest workers on the source, like a feed\'s; the target starts with no host leased',
};

/** Not a table, so not in the lists above: SQLite's header fields (schema version, the demo's mark). */
export const headerNotCopied = 'the demo\'s mark: a copy is a store of your own, which `wirefold demo` must never wipe';

/** A table as copied: its shape, and the columns that are copied (the shape's minus columnsNotCopied). */
export interface TableCopy extends TableShape {
  copied: string[];
}

/** Thrown when source and target schemas differ: the copy would lose or invent columns. */
export class SchemaMismatchError extends Error {
  override name = 'SchemaMismatchError';
}

/**
 * The tables to copy, in the source schema's order (which is the migrations' order, so parents before children):
 * every source table but tablesNotCopied, each with the columns to copy. Throws SchemaMismatchError when the target
 * lacks a table or column the source has, or holds one the source lacks.
 */
export function copyPlan(source: readonly TableShape[], target: readonly TableShape[]): TableCopy[] {
  const kept = (tables: readonly TableShape[]) => tables.filter((table) => !(table.name in tablesNotCopied));
  const targetByName = new Map(kept(target).map((table) => [table.name, table]));
  const plan = kept(source).map((table) => {
    const other = targetByName.get(table.name);
    if (!other) throw new SchemaMismatchError(`the target has no table ${table.name}`);
    const sorted = (columns: string[]) => [...columns].sort().join(', ');
    if (sorted(table.columns) !== sorted(other.columns)) {
      throw new SchemaMismatchError(`table ${table.name} has columns (${sorted(table.columns)}) in the source but (${sorted(other.columns)}) in the target`);
    }
    targetByName.delete(table.name);
    return { ...table, copied: table.columns.filter((column) => !(`${table.name}.${column}` in columnsNotCopied)) };
  });
  const extra = [...targetByName.keys()];
  if (extra.length > 0) throw new SchemaMismatchError(`the target has tables the source lacks: ${extra.join(', ')}`);
  return plan;
}

/** An SQL identifier, quoted for both engines. */
export const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;
