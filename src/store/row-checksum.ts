// The content checksum `wirefold store copy` compares between source and target: one canonical text per row, so a
// row read from SQLite and the same row read from PostgreSQL hash alike even though the drivers hand back different
// JavaScript values (a Uint8Array or a Buffer for bytes, 1 or true for a flag).
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

/**
 * One value in canonical form: `n` for null; `d` and the shortest decimal that reads back to the same double (JS
 * String(), exact for every float64 and for integers below 2^53; -0 kept apart) for numbers, bigints and booleans;
 * `s` and the JSON string for text; `b` and base64 for bytes (blobs, bytea, and so vectors, which both engines keep as
 * bytes). Throws on any other type, so a driver change cannot pass unnoticed as "equal".
 */
export function canonicalValue(value: unknown): string {
  if (value === null || value === undefined) return 'n';
  if (typeof value === 'number') return Object.is(value, -0) ? 'd-0' : `d${String(value)}`;
  if (typeof value === 'bigint') return `d${value.toString()}`;
  if (typeof value === 'boolean') return value ? 'd1' : 'd0';
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (value instanceof Uint8Array) return `b${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
  throw new Error(`cannot checksum a value of type ${Object.prototype.toString.call(value)}`);
}

/** A running SHA-256 over rows (each a list of column values) fed in primary-key order, and their count. */
export class RowChecksum {
  readonly #hash: Hash = createHash('sha256');
  rows = 0;

  add(row: readonly unknown[]): void {
    // Canonical values hold no raw newline or tab (JSON and base64 escape them), so the separators are unambiguous.
    this.#hash.update(`${row.map(canonicalValue).join('\t')}\n`);
    this.rows++;
  }

  /** The hex digest; call once, after the last row. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}
