// One writer per store: a lock file beside the store (`<store>.lock`) naming the run that holds it. SQLite's own locks
// guard single transactions, but a run (ingest, cluster, build) is a sequence of them spread over minutes, and two
// runs interleaving their stages is what left pages missing; so the lock spans the whole run.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { isSameProcessRunning, processStart } from '../processes.ts';
import { fileErrorReason } from '../file-errors.ts';
import { existingStorePath, withOpenStore } from './store.ts';
import type { Store } from './store.ts';
import { parseStoreLocation } from './location.ts';

/** Who holds a lock: what is written in the lock file. */
export interface LockHolder {
  pid: number;
  /** When the holding process started, ISO-8601; with the pid it tells a live holder from a reused pid. */
  startedAt: string;
  host: string;
  command: string;
}

/** Thrown when another live run holds the lock; the CLI turns it into exit code 75 (EX_TEMPFAIL). */
export class LockHeldError extends Error {
  override name = 'LockHeldError';
  readonly holder: LockHolder;
  constructor(holder: LockHolder, target: string) {
    super(`another wirefold run (pid ${holder.pid}, ${holder.command}, started ${holder.startedAt}) holds ${target}`);
    this.holder = holder;
  }
}

export interface WriterLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the lock for `target` (a store path or an out dir): creates `<target>.lock` exclusively with this process's
 * pid, start time and command. A lock left by a process that is gone (killed, crashed), or by a pid now used by a
 * process that started later, is stale: it is taken over. Throws LockHeldError when a live run holds it.
 * The lock is released by `release()` and, as a last resort, when this process exits.
 */
export function acquireWriterLock(target: string, command: string): WriterLock {
  const path = `${target}.lock`;
  const me: LockHolder = { pid: process.pid, startedAt: processStart(process.pid) ?? new Date().toISOString(), host: hostname(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot lock the store ${target}: cannot write ${path}: ${fileErrorReason(error)} (a run writes its lock file beside the store)`);
      }
      const holder = readHolder(path);
      if (holder && isAlive(holder)) throw new LockHeldError(holder, target);
      rmSync(path, { force: true }); // stale: its holder is gone
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      // Only our own lock is removed: a lock another run took over after ours went stale is theirs.
      if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new Error(`could not take the lock ${path}`);
}

/** Runs fn holding the lock for `target`, and releases it after, whatever happens. */
export async function withWriterLock<T>(target: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireWriterLock(target, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null; // unreadable or half-written: a holder killed while writing it
  }
}

/** A holder is alive when its pid runs on this host and, where /proc tells, started when the holder says it did. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // another machine's run: we cannot tell, so we respect it
  return isSameProcessRunning(holder.pid, holder.startedAt);
}

/**
 * Runs work on the store at `location` as its one writer, and closes the store after. The store must exist
 * (StoreMissingError otherwise: a typo never starts an empty one). SQLite: the lock file beside it (acquireWriterLock).
 * PostgreSQL: a session advisory lock held on a connection of its own for the whole run, which the server releases
 * by itself if this process dies, so a killed run never leaves a stale lock. Throws LockHeldError when another run
 * holds it.
 */
export async function withStoreWriter<T>(location: string, command: string, work: (store: Store) => Promise<T>): Promise<T> {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === 'sqlite') {
    return withWriterLock(existingStorePath(parsed.path), command, () => withOpenStore(location, { mustExist: true }, work));
  }
  return withOpenStore(location, { mustExist: true }, async (store) => {
    const { withAdvisoryLock } = await import('./postgres-lock.ts');
    return withAdvisoryLock(store, writerLockKey, command, () => work(store));
  });
}

/**
 * Runs work on the store at `location` as one of several workers that coordinate row by row (feed leases), and closes
 * the store after. SQLite keeps one writer per store, so there this is withStoreWriter; PostgreSQL takes no run-long
 * lock, and any number of workers (on any machines) run at once, beside a run that holds the writer lock.
 */
export async function withStoreWorker<T>(location: string, command: string, work: (store: Store) => Promise<T>): Promise<T> {
  if (parseStoreLocation(location).kind === 'sqlite') return withStoreWriter(location, command, work);
  return withOpenStore(location, { mustExist: true }, work);
}

/** The advisory lock key of the one-writer rule on PostgreSQL: "WFWR". */
export const writerLockKey = 0x57465752;
