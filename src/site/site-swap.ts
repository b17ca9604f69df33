// Builds go into a fresh folder beside the out dir and are swapped in whole, so that readers and a killed build only
// ever see the previous site or the new one, never an empty or half-written folder.
//
// Why two renames: Linux can exchange two folders atomically (renameat2 with RENAME_EXCHANGE) but Node cannot call it,
// and rename(2) replaces a folder only when the target is empty. So the swap is out -> .<name>.wirefold-old-<id>, then
// .<name>.wirefold-new-<id> -> out. Between the two (microseconds) the out dir is missing: a build killed there leaves
// the old site beside it, and the next build puts it back (recoverInterruptedSwap) before it does anything else. The
// old site is deleted only once the new one is in place; a build killed during that delete leaves an -old- folder that
// the next build removes. Siblings are recognised by name and by the marker inside, never by name alone.
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readSiteMarker, writeSiteMarker } from './site-marker.ts';
import { isRunning } from '../processes.ts';
import { fileErrorReason } from '../file-errors.ts';
import type { SiteMarker } from './site-marker.ts';

type SiblingKind = 'new' | 'old';

const siblingPrefix = (outDir: string) => `.${basename(outDir)}.wirefold-`;
const siblingPath = (outDir: string, kind: SiblingKind) =>
  join(dirname(outDir), `${siblingPrefix(outDir)}${kind}-${randomBytes(6).toString('hex')}`);

/**
 * Creates the empty folder a build writes into, beside outDir (an absolute path), with the site marker already in it so
 * that a build killed at any later moment leaves something the next build recognises. Creates outDir's parent folders
 * when missing. Throws one line, "cannot write the site to <outDir>: <reason>", when any of that fails.
 */
export function createFreshSite(outDir: string, demo = false): string {
  let fresh: string | null = null;
  try {
    mkdirSync(dirname(outDir), { recursive: true });
    fresh = siblingPath(outDir, 'new');
    mkdirSync(fresh);
    // Whoever reads the site now (a web server's user) must be able to read the new one: keep the folder's mode.
    if (existsSync(outDir)) chmodSync(fresh, statSync(outDir).mode & 0o7777);
    writeSiteMarker(fresh, new Date(), demo);
    return fresh;
  } catch (error) {
    if (fresh) rmSync(fresh, { recursive: true, force: true });
    throw new Error(`cannot write the site to ${outDir}: ${fileErrorReason(error)}`);
  }
}

/**
 * Puts the finished site fresh in outDir's place (see the comment at the top for why two renames) and then deletes the
 * previous site. outDir must be missing, empty, or a folder refuseForeignOutDir accepted.
 */
export async function swapIn(fresh: string, outDir: string): Promise<void> {
  // A missing or empty folder is replaced by a single rename, which rename(2) allows.
  if (!existsSync(outDir) || readdirSync(outDir).length === 0) {
    renameSync(fresh, outDir);
    return;
  }
  const old = siblingPath(outDir, 'old');
  renameSync(outDir, old);
  try {
    renameSync(fresh, outDir);
  } catch (error) {
    renameSync(old, outDir);
    throw error;
  }
  // Asynchronous: Node then unlinks many files at once, which on a busy disk took 4.7 s for a 5,400-page site where
  // rmSync, one file after the other, took 18-20 s (bench/build's store, load average 12).
  await rm(old, { recursive: true, force: true });
}

/**
 * Repairs what an interrupted build left beside outDir: when outDir is missing and a previous site waits beside it
 * (-old-), that site is put back (the newest, if there are several); then every marked -old- sibling, and every marked
 * -new- sibling whose builder is no longer running, is deleted. Folders without our marker are never touched.
 * Returns the number of folders restored or removed.
 */
export function recoverInterruptedSwap(outDir: string): number {
  const parent = dirname(outDir);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) return 0;
  const prefix = siblingPrefix(outDir);
  const leftovers = readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && /^(new|old)-[0-9a-f]+$/.test(name.slice(prefix.length)))
    .map((name) => ({ path: join(parent, name), kind: name.slice(prefix.length, prefix.length + 3) as SiblingKind, marker: readSiteMarker(join(parent, name)) }))
    .filter((leftover): leftover is { path: string; kind: SiblingKind; marker: SiteMarker } => leftover.marker !== null);
  let repaired = 0;
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
    if (leftover.kind === 'new' && isRunning(leftover.marker.pid)) continue;
    rmSync(leftover.path, { recursive: true, force: true });
    repaired++;
  }
  return repaired;
}
