// Builds go into a fresh folder beside the out dir and are swapped in whole, so that readers and a killed build only
// ever see the previous site or the new one, never an empty or half-written folder.
//
// Why two renames: Linux can exchange two folders atomically (renameat2 with RENAME_EXCHANGE) but Node cannot call it,
// and rename(2) replaces a folder only when the target is empty. So the swap is out -> .<name>.wirefold-old-<id>, then
// .<name>.wirefold-new-<id> -> out. Between the two (microseconds) the out dir is missing: a build killed there leaves
// the old site beside it, and the next build puts it back (recoverInterruptedSwap) before it does anything else. The
// old site is deleted only once the new one is in place, and first renamed to a -new- name (renameAside), so that one
// half deleted by a killed build is never put back: the next build removes it. Siblings are recognised by name and by the marker inside, never by name alone, and every
// deletion removes the marker last, so that a folder half deleted when the process died is still recognised.
//
// A build stopped by a signal (withdraw) removes its fresh folder itself. The renames above are synchronous, so a
// signal handler (JavaScript, run between callbacks) never sees the out dir missing: it finds the fresh folder either
// still beside the out dir (withdrawn) or already in its place (then only the previous site's deletion is finished).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSiteMarker, readSiteMarker, siteMarkerName, writeSiteMarker } from './site-marker.ts';
import { isSameProcessRunning } from '../processes.ts';
import { mountPointsInside } from './mount-points.ts';
import { fileErrorReason } from '../file-errors.ts';
import type { SiteMarker } from './site-marker.ts';

type SiblingKind = 'new' | 'old';

/**
 * The sibling folders this process is building into or deleting now. A sibling whose marker names this process but
 * that is not here is a leftover of an earlier build of this same process (`wirefold watch` builds every round in one
 * process), not a build in progress.
 */
const inProgress = new Set<string>();

/** Whether the build that marked a -new- sibling at path is still at work (in this process or in another one). */
function builderRuns(marker: SiteMarker, path: string): boolean {
  return marker.pid === process.pid ? inProgress.has(path) : isSameProcessRunning(marker.pid, marker.processStartedAt);
}

const siblingPrefix = (outDir: string) => `.${basename(outDir)}.wirefold-`;
const siblingPath = (outDir: string, kind: SiblingKind) =>
  join(dirname(outDir), `${siblingPrefix(outDir)}${kind}-${randomBytes(6).toString('hex')}`);

/** The folder a build writes into, and what may become of it (see the comment at the top). */
export interface FreshSite {
  /** The folder, an absolute path beside the out dir: `.<name>.wirefold-new-<12 hex>`. */
  readonly path: string;
  /**
   * Puts the finished site in the out dir's place (two renames) and then deletes the previous site. A previous site
   * that cannot be deleted is left, marked, for the next build to try again (the new site is live whatever happens):
   * the promise then gives a one-line warning naming it, and null otherwise. The out dir must be
   * missing, empty, or a folder refuseForeignOutDir accepted; when the renames fail, throws "cannot write the site to
   * <outDir>: <reason>" with the out dir as it was. Throws, touching nothing, once the folder was withdrawn or
   * discarded: a build that goes on after a stop must never put a half-built or removed site live.
   */
  swapIn(): Promise<string | null>;
  /**
   * Deletes the folder after a failed build, synchronously: taken from under writers still at work first, as withdraw
   * does (a marked placeholder file stays in its place until the process exits or a later build removes it), then
   * deleted marker last; when the folder itself cannot go, it keeps its marker and this throws. Does nothing once
   * swapped in or withdrawn.
   */
  discard(): void;
  /**
   * For a process about to exit on a stop signal: takes the folder away from the build's writers and deletes it. Once
   * swapped in, it only waits for the previous site's deletion to end. See withdrawFolder for the steps.
   */
  withdraw(): Promise<void>;
}

/**
 * Creates the empty folder a build writes into, beside outDir (an absolute path), with the site marker already in it so
 * that a build killed at any later moment leaves something the next build recognises. Creates outDir's parent folders
 * when missing. Throws one line, "cannot write the site to <outDir>: <reason>", when any of that fails.
 */
export function createFreshSite(outDir: string, demo = false): FreshSite {
  let path: string | null = null;
  let marker: SiteMarker;
  try {
    mkdirSync(dirname(outDir), { recursive: true });
    path = siblingPath(outDir, 'new');
    mkdirSync(path);
    // Whoever reads the site now (a web server's user) must be able to read the new one: keep the folder's mode.
    if (existsSync(outDir)) chmodSync(path, statSync(outDir).mode & 0o7777);
    marker = writeSiteMarker(path, new Date(), demo);
  } catch (error) {
    if (path) rmSync(path, { recursive: true, force: true });
    throw new Error(`cannot write the site to ${outDir}: ${fileErrorReason(error)}`);
  }
  const fresh = path;
  inProgress.add(fresh);
  let state: 'building' | 'live' | 'discarded' | 'withdrawn' = 'building';
  let previousRemoved: Promise<void> = Promise.resolve();
  return {
    path: fresh,
    async swapIn() {
      if (state !== 'building') throw new Error(`cannot put ${fresh} in place: it was ${state}`);
      let old: string | null;
      try {
        old = renameIntoPlace(fresh, outDir);
      } catch (error) {
        // An out dir that cannot be moved aside (immutable, a mount point, a folder whose parent denies it): one line.
        throw new Error(`cannot write the site to ${outDir}: ${fileErrorReason(error)}`);
      }
      state = 'live';
      inProgress.delete(fresh);
      // The new site is live whatever happens now: a previous site that cannot be deleted (a file in it made immutable)
      // keeps its marker, the user is told, and the next build's recoverInterruptedSwap tries again.
      if (!old) return null;
      const doomed = renameAside(old, outDir);
      inProgress.add(doomed);
      const removal = removeMarkedFolder(doomed).then(() => null, (error: unknown) =>
        `the previous site, now ${doomed}, cannot be deleted: ${fileErrorReason(error)} (the new site is live; the next build tries again)`)
        .finally(() => inProgress.delete(doomed));
      previousRemoved = removal.then(() => {});
      return removal;
    },
    discard() {
      if (state !== 'building') return;
      state = 'discarded';
      inProgress.delete(fresh);
      // A failed render may leave Astro's other pages still being written: the folder is taken from under them first,
      // as a stop does (takeAway); where it cannot be renamed (its parent made immutable), it is deleted where it is.
      const doomed = siblingPath(outDir, 'new');
      try {
        takeAway(fresh, doomed);
      } catch {
        if (!existsSync(doomed)) return removeMarkedFolderSync(fresh);
      }
      removeMarkedFolderSync(doomed);
    },
    async withdraw() {
      if (state === 'live') return previousRemoved;
      if (state !== 'building') return;
      state = 'withdrawn';
      const found = readSiteMarker(fresh);
      // Only the folder this build made, with its own marker in it, is ever removed.
      if (found?.pid !== marker.pid || found.startedAt !== marker.startedAt) return;
      await withdrawFolder(fresh, siblingPath(outDir, 'new'));
    },
  };
}

/**
 * The two renames of the swap (see the top), or one when outDir is missing or empty (rename(2) allows that); returns
 * where the previous site went, or null. Synchronous on purpose: no signal handler can run between the renames.
 */
function renameIntoPlace(fresh: string, outDir: string): string | null {
  if (!existsSync(outDir) || readdirSync(outDir).length === 0) {
    renameSync(fresh, outDir);
    return null;
  }
  const old = siblingPath(outDir, 'old');
  renameSync(outDir, old);
  try {
    renameSync(fresh, outDir);
  } catch (error) {
    renameSync(old, outDir);
    throw error;
  }
  return old;
}

/**
 * Renames a previous site (an -old- sibling) that is about to be deleted to a -new- name of its own, and returns where
 * it is: recoverInterruptedSwap puts an -old- folder back when the out dir is missing, and one whose deletion was cut
 * short (a kill, a file that cannot be deleted) must never go live half deleted. Where the rename fails, the folder is
 * deleted where it is.
 */
function renameAside(old: string, outDir: string): string {
  const doomed = siblingPath(outDir, 'new');
  try {
    renameSync(old, doomed);
    return doomed;
  } catch {
    return old;
  }
}

/**
 * Deletes a stopped build's folder while the build's own writers (Astro in this process, the thread of keep-thread.ts,
 * Pagefind) may still be writing into it. Deleting it in place would not do: Astro creates each page's folder with
 * mkdir -p (and the keep thread a missing folder), which would build the deleted folder up again, without a marker,
 * where no later build would recognise it. So:
 * 1. the folder is renamed to doomed (a -new- name of its own; never an -old- one, which a next build finding no out
 *    dir would put live, half deleted), so writes already under way land in it or fail;
 * 2. a file holding the marker takes its place, so every later write under the old path fails (ENOTDIR) instead of
 *    creating folders; a folder that writes under way created in the microseconds between is moved into doomed;
 * 3. doomed is deleted, marker last: if the process must exit first (the stop's time budget), the next build removes
 *    what is left, recognised by its name, its marker and its builder being gone;
 * 4. the file goes when the process exits ('exit' listener: after it no JavaScript can start another write), or,
 *    after a SIGKILL, with the next build (recoverInterruptedSwap knows it by its marker).
 */
async function withdrawFolder(fresh: string, doomed: string): Promise<void> {
  takeAway(fresh, doomed);
  await removeMarkedFolder(doomed);
}

/**
 * Steps 1, 2 and 4 of withdrawFolder: renames fresh to doomed and puts the marked placeholder file in its place, removed
 * when the process exits. Throws when the rename fails (nothing changed then) or the placeholder cannot be written.
 */
function takeAway(fresh: string, doomed: string): void {
  const markerText = readFileSync(join(fresh, siteMarkerName), 'utf8');
  renameSync(fresh, doomed);
  for (let moved = 0; ; moved++) {
    try {
      writeFileSync(fresh, markerText, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || moved === 5) throw error;
      renameSync(fresh, join(doomed, `.recreated-${moved}`));
    }
  }
  // One 'exit' listener for every placeholder of the process (watch may leave one per failed round); placeholders a
  // later repair removed are forgotten, so the list does not grow with the rounds.
  for (const path of placeholders.keys()) if (!existsSync(path)) placeholders.delete(path);
  placeholders.set(fresh, markerText);
  if (!removingAtExit) process.once('exit', removePlaceholders);
  removingAtExit = true;
}

/** The placeholder files (path → the marker text they hold) this process removes as it exits (takeAway). */
const placeholders = new Map<string, string>();
let removingAtExit = false;

function removePlaceholders(): void {
  for (const [path, markerText] of placeholders) {
    try {
      if (readFileSync(path, 'utf8') === markerText) unlinkSync(path);
    } catch {
      // gone already, or no longer our file: nothing of ours to remove
    }
  }
  placeholders.clear();
}

/**
 * Deletes a marked folder with its marker last, so that a process that dies part way leaves a folder still recognised
 * as ours. The rest goes asynchronously, which lets Node unlink many files at once: on a busy disk that took 4.7 s for
 * a 5,400-page site where rmSync, one file after the other, took 18-20 s (bench/build's store, load average 12).
 */
async function removeMarkedFolder(path: string): Promise<void> {
  refuseMountsInside(path);
  try {
    const names = await readdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    await Promise.all(names.filter((name) => name !== siteMarkerName).map((name) => rm(join(path, name), { recursive: true, force: true })));
  } catch {
    // Node's asynchronous rm misreports a file it may not delete (EPERM: immutable, say) as ENOTDIR, having retried it
    // as a folder; the synchronous pass deletes what is left and throws the real reason.
  }
  removeMarkedFolderSync(path);
}

/**
 * removeMarkedFolder, synchronously (for the error path and the start-up repair, where nothing else runs). Like it, it
 * leaves the marker in place when the folder itself cannot go (a parent folder made immutable), so the next build
 * still knows the folder for its own.
 */
function removeMarkedFolderSync(path: string): void {
  refuseMountsInside(path);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    // Every entry is tried, so that one that cannot go (a file made immutable) keeps only itself, not the rest.
    let failure: unknown = null;
    for (const name of readdirSync(path)) {
      if (name === siteMarkerName) continue;
      try {
        rmSync(join(path, name), { recursive: true, force: true });
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
  }
  const marker = readMarkerText(path);
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (error) {
    putMarkerBack(path, marker);
    throw error;
  }
}

/**
 * Throws, before anything is deleted, when a file system is mounted somewhere inside path: Node's rm goes into a mount
 * and deletes what it holds (a disk or folder the user mounted into the live site, which the swap carried into the
 * previous site). The folder keeps its marker, so the next build tries again once it is unmounted.
 */
function refuseMountsInside(path: string): void {
  const mounted = mountPointsInside(path)[0];
  if (mounted) throw new Error(`${mounted} inside it is a mount point; unmount it`);
}

/** The marker file's text in a folder, or null (no folder, or no marker in it). */
function readMarkerText(folder: string): string | null {
  try {
    return readFileSync(join(folder, siteMarkerName), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Writes the marker back into a folder that survived its deletion without it (rm deletes the folder's contents, the
 * marker among them, before it fails on the folder itself). Best effort: the deletion's error is the one to report.
 */
function putMarkerBack(folder: string, text: string | null): void {
  if (text === null) return;
  try {
    // Exclusive: a marker still there is left as it is; a folder that is gone makes this fail, as it should.
    writeFileSync(join(folder, siteMarkerName), text, { flag: 'wx' });
  } catch {
    // nothing more to do: the folder stays as the failed deletion left it
  }
}

/**
 * The marker of a sibling: inside it for a folder; for a -new- name that is a small file, the file itself (the
 * placeholder a stopped build leaves for the moment of its exit, see withdrawFolder). Null when none of ours.
 */
function siblingMarker(path: string, kind: SiblingKind): SiteMarker | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return readSiteMarker(path);
  if (kind !== 'new' || !stats?.isFile() || stats.size > 4096) return null;
  try {
    return parseSiteMarker(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Repairs what an interrupted build left beside outDir: when outDir is missing and a previous site waits beside it
 * (-old-), that site is put back (the newest, if there are several); then every marked -old- sibling (renamed aside
 * first, see renameAside), and every marked -new- sibling whose builder is no longer running (a stopped build's
 * placeholder file included), is deleted, marker last. Folders without our marker are never touched.
 * Returns the number of folders restored or removed, and a one-line warning for each leftover that cannot be deleted
 * ("<leftover>, left by an earlier build, cannot be deleted: <reason>"): it keeps its marker, so every build names it
 * until the user removes what holds it, and the build goes on (a stale folder beside the site must not stop the site).
 */
export function recoverInterruptedSwap(outDir: string): { repaired: number; warnings: string[] } {
  const parent = dirname(outDir);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) return { repaired: 0, warnings: [] };
  const prefix = siblingPrefix(outDir);
  const leftovers = readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && /^(new|old)-[0-9a-f]+$/.test(name.slice(prefix.length)))
    .map((name) => {
      const kind = name.slice(prefix.length, prefix.length + 3) as SiblingKind;
      return { path: join(parent, name), kind, marker: siblingMarker(join(parent, name), kind) };
    })
    .filter((leftover): leftover is { path: string; kind: SiblingKind; marker: SiteMarker } => leftover.marker !== null);
  let repaired = 0;
  const warnings: string[] = [];
  if (!existsSync(outDir)) {
    const previous = leftovers.filter((leftover) => leftover.kind === 'old')
      .sort((a, b) => b.marker.startedAt.localeCompare(a.marker.startedAt))[0];
    if (previous) {
      renameSync(previous.path, outDir);
      leftovers.splice(leftovers.indexOf(previous), 1);
      repaired++;
    }
  }
  for (const leftover of leftovers) {
    // A -new- folder whose builder still runs belongs to a build in progress (another process), not to a dead one.
    if (leftover.kind === 'new' && builderRuns(leftover.marker, leftover.path)) continue;
    const doomed = leftover.kind === 'old' ? renameAside(leftover.path, outDir) : leftover.path;
    try {
      removeMarkedFolderSync(doomed);
      repaired++;
    } catch (error) {
      warnings.push(`${doomed}, left by an earlier build, cannot be deleted: ${fileErrorReason(error)}`);
    }
  }
  return { repaired, warnings };
}
