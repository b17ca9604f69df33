// Where a store lives, read from what the user wrote after --db: a file path or `sqlite:PATH` (SQLite), or a
// `postgres://` / `postgresql://` URL (PostgreSQL). Any other scheme is refused: taking `mysql://x` for a file name
// would quietly start a SQLite file called "mysql:".

import { resolve } from 'node:path';

export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

/** Thrown for a location with a scheme Wirefold does not know; the message is one line for people. */
export class StoreLocationError extends Error {
  override name = 'StoreLocationError';
}

/**
 * The store a --db value names. `sqlite:PATH` and `sqlite:///abs/path` name files; one-letter "schemes" are drive
 * letters, not schemes. Throws StoreLocationError for any other `scheme:`.
 */
export function parseStoreLocation(text: string): StoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
  if (!scheme || scheme.length === 1) return { kind: 'sqlite', path: text };
  const name = scheme.toLowerCase();
  if (name === 'sqlite') {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path.trim()) throw new StoreLocationError('sqlite: needs a file path after it (sqlite:data/wirefold.db)');
    return { kind: 'sqlite', path };
  }
  if (name === 'postgres' || name === 'postgresql') {
    if (!/^postgres(ql)?:\/\//i.test(text)) throw new StoreLocationError(`${text}: a PostgreSQL store is named postgres://[user[:password]@]host[:port]/database`);
    return { kind: 'postgres', url: text };
  }
  throw new StoreLocationError(`"${scheme}:" stores are not supported (a SQLite file path, sqlite:PATH or postgres://…)`);
}

/** A location fit to print: a PostgreSQL URL without its password. */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'sqlite') return location.path;
  try {
    const url = new URL(location.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return location.url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The location as another process (in another folder) must be given it: a SQLite path made absolute; a URL as it is. */
export function absoluteLocation(text: string): string {
  const location = parseStoreLocation(text);
  return location.kind === 'sqlite' ? resolve(location.path) : location.url;
}

/** A location text fit to print (a PostgreSQL password masked); text that is no location comes back as it is. */
export function printableLocation(text: string): string {
  try {
    return describeLocation(parseStoreLocation(text));
  } catch {
    return text;
  }
}
