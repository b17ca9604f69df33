// An incremental build takes what did not change from the live site instead of writing it again: hard links, so a
// kept file costs no copy and keeps its inode and mtime (a web server's cache, rsync and a CDN upload see it unchanged).
// Linking is safe because no build writes into a file it did not create: Astro writes only the pages it renders, and
// the manifest is replaced, never written through (build-manifest.ts).
//
// Both passes touch every page of a large site (5,600 files on bench/build's store), so they ask the file system as
// little as they can: a link is tried before its folder is made (one call per file, one per new folder), and only files
// the build wrote are compared (a kept file is the live one already).
import { constants, copyFileSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Puts each file (relative path) of liveDir into freshDir at the same place: a hard link, or a copy where the file
 * system refuses links. Files already in freshDir are left as they are. Returns how many were put in.
 */
export function keepFiles(liveDir: string, freshDir: string, files: Iterable<string>): number {
  let kept = 0;
  const made = new Set<string>();
  for (const file of files) {
    const target = join(freshDir, file);
    try {
      linkOrCopy(join(liveDir, file), target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // The folder is missing (the target's, not the source's: a kept file exists in the live site).
      if (code !== 'ENOENT' || made.has(dirname(target))) throw error;
      mkdirSync(dirname(target), { recursive: true });
      made.add(dirname(target));
      linkOrCopy(join(liveDir, file), target);
    }
    kept++;
  }
  return kept;
}

/**
 * Replaces each of files (paths relative to freshDir, regular files the build wrote) whose twin in liveDir (same
 * relative path) has the same bytes by a link to that twin. A file that is already its twin (same inode) is left alone.
 * Returns how many it replaced.
 */
export function reuseIdenticalFiles(liveDir: string, freshDir: string, files: Iterable<string>): number {
  let reused = 0;
  for (const file of files) {
    const fresh = join(freshDir, file);
    const live = join(liveDir, file);
    const liveStats = lstatSync(live, { throwIfNoEntry: false });
    if (!liveStats?.isFile()) continue;
    const freshStats = lstatSync(fresh);
    if (liveStats.size !== freshStats.size || liveStats.ino === freshStats.ino || !readFileSync(live).equals(readFileSync(fresh))) continue;
    rmSync(fresh);
    linkOrCopy(live, fresh);
    reused++;
  }
  return reused;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw error;
    // Exclusive, as a link would be: a file already there is never written through.
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  }
}
