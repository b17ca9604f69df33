// An incremental build takes what did not change from the live site instead of writing it again: hard links, so a
// kept file costs no copy and keeps its inode and mtime (a web server's cache, rsync and a CDN upload see it unchanged).
// Linking is safe because no build writes into a file it did not create: Astro writes only the pages it renders, and
// the manifest is replaced, never written through (build-manifest.ts).
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Puts each file (relative path) of liveDir into freshDir at the same place: a hard link, or a copy where the file
 * system refuses links. Files already in freshDir are left as they are. Returns how many were put in.
 */
export function keepFiles(liveDir: string, freshDir: string, files: Iterable<string>): number {
  let kept = 0;
  for (const file of files) {
    const target = join(freshDir, file);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    linkOrCopy(join(liveDir, file), target);
    kept++;
  }
  return kept;
}

/**
 * Replaces every file of freshDir whose twin in liveDir (same relative path) has the same bytes by a link to that twin,
 * except the files named in skip. Symbolic links and other non-regular files are left alone. Returns how many it
 * replaced.
 */
export function reuseIdenticalFiles(liveDir: string, freshDir: string, skip: ReadonlySet<string>): number {
  let reused = 0;
  const visit = (relativeDir: string): void => {
    for (const entry of readdirSync(join(freshDir, relativeDir), { withFileTypes: true })) {
      const file = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        visit(file);
        continue;
      }
      if (!entry.isFile() || skip.has(file)) continue;
      const fresh = join(freshDir, file);
      const live = join(liveDir, file);
      const liveStats = lstatSync(live, { throwIfNoEntry: false });
      if (!liveStats?.isFile() || liveStats.size !== lstatSync(fresh).size) continue;
      if (liveStats.ino === lstatSync(fresh).ino || !readFileSync(live).equals(readFileSync(fresh))) continue;
      rmSync(fresh);
      linkOrCopy(live, fresh);
      reused++;
    }
  };
  visit('');
  return reused;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw error;
    copyFileSync(from, to);
  }
}
