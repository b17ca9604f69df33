// Where file systems are mounted, for the two things a build must never do to one: replace it (a mount at --out) or
// delete what it holds (a mount inside a site the build replaces and then deletes: Node's rm goes into mounts).
// Read by hand from /proc/self/mountinfo: no maintained npm package only lists mount points, and the format is one
// field of one line (proc(5)).
import { readFileSync, statSync } from 'node:fs';
import { dirname, sep } from 'node:path';

/**
 * Every mount point of this process's mount namespace, as absolute paths, from /proc/self/mountinfo (Linux); empty
 * where that file is missing (other systems: there a mount of another device is still seen by isMountPoint's device
 * check, a mount inside a folder is not).
 */
function mountPoints(): string[] {
  let mounts: string;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  // The fifth field is the mount point, with space, tab, newline and backslash written as octal escapes.
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return mounts.split('\n').map((line) => line.split(' ')[4]).filter((field) => field !== undefined).map(unescape);
}

/**
 * True when path (absolute, symlinks resolved) is where a file system is mounted: on another device than its parent,
 * or listed in /proc/self/mountinfo (a bind mount of the same file system).
 */
export function isMountPoint(path: string): boolean {
  const own = statSync(path, { throwIfNoEntry: false });
  if (!own?.isDirectory()) return false;
  return own.dev !== statSync(dirname(path)).dev || mountPoints().includes(path);
}

/** The mount points strictly inside folder (absolute, symlinks resolved), shallowest first; empty when none. */
export function mountPointsInside(folder: string): string[] {
  const prefix = folder.endsWith(sep) ? folder : `${folder}${sep}`;
  return mountPoints().filter((point) => point.startsWith(prefix)).sort((a, b) => a.length - b.length);
}
