// The checks that keep `wirefold build` from wrecking a folder it does not own: every refusal is one line and happens
// before anything on disk changes.
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { projectRoot } from '../paths.ts';
import { readSiteMarker } from './site-marker.ts';
import { isMountPoint, mountPointsInside } from './mount-points.ts';

/**
 * Throws (one line, "refusing to build into <outDir>: <why>") when outDir is a place a site must never replace: the
 * filesystem root, the home folder, the Wirefold project or a folder that holds it, a folder inside one the build reads
 * or works in (buildReadsFolders: src/, public/, .astro/, node_modules/), the current folder or one of its
 * parents, a symbolic link to nothing, a mount point (a volume or disk mounted at --out: the swap's rename of it fails
 * with EBUSY, after the whole build), a folder with a mount point inside it (the swap would take the mount out of the
 * site, and deleting the previous site would delete what the mount holds), or a folder that is or holds the store file
 * (or its -wal/-shm). Paths are compared after resolving symlinks. Reads the disk, changes nothing.
 */
export function refuseDangerousOutDir(outDir: string, storePath: string): void {
  const out = realPathOf(outDir);
  const refuse = (why: string) => { throw new Error(`refusing to build into ${outDir}: ${why}`); };
  // A link to nothing: the build would run to its end and then fail to rename its site over the link.
  if (isSymbolicLink(out)) refuse(`it is a symbolic link to ${readlinkSync(out)}, which does not exist; create that folder or choose another --out`);
  if (out === parse(out).root) refuse('it is the filesystem root');
  if (out === realPathOf(homedir())) refuse('it is your home folder');
  if (isMountPoint(out)) refuse('it is a mount point, which the build cannot replace (it renames a new folder into place); build into a folder inside it');
  const mounted = mountPointsInside(out)[0];
  if (mounted) refuse(`${mounted} inside it is a mount point, and a build replaces the whole folder (it would take the mount out of the site and delete what it holds); mount it elsewhere`);
  if (holds(out, realPathOf(projectRoot))) refuse('it holds the Wirefold project');
  for (const folder of buildReadsFolders) {
    if (holds(realPathOf(join(projectRoot, folder)), out)) {
      refuse(`it lies inside the project's ${folder}/, which every build reads or works in (a site there would become part of each later build); choose another --out, such as the default dist/`);
    }
  }
  if (holds(out, realPathOf(process.cwd()))) refuse('it holds the current folder');
  for (const suffix of ['', '-wal', '-shm']) {
    const file = `${storePath}${suffix}`;
    if (!existsSync(file) || !holds(out, realPathOf(file))) continue;
    refuse(`${out === realPathOf(file) ? 'it is' : 'it contains'} the store ${resolve(file)}`);
  }
}

/**
 * The project's folders a build reads or works in: Astro's srcDir and publicDir (their defaults; astro.config.mjs
 * moves neither), its working folder and node_modules. A site written into one became part of every later build: in
 * public/ Astro copied it into each site and its pages shadowed the real ones (every later build, into any --out,
 * published the first one's stale pages, exit 0); in src/pages it was bundled as pages and every later build failed.
 */
const buildReadsFolders = ['src', 'public', '.astro', 'node_modules'];

/**
 * Throws (one line) when outDir exists and is not a folder, or is a non-empty folder without the marker of a site
 * Wirefold built: only an empty folder, a missing one or a previous Wirefold site may be replaced. A demo build
 * replaces only a previous demo site (the marker says so), never a real one. Changes nothing.
 */
export function refuseForeignOutDir(outDir: string, demo = false): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new Error(`refusing to build into ${outDir}: it is a file, not a folder`);
  if (readdirSync(outDir).length === 0) return;
  const marker = readSiteMarker(outDir);
  if (!marker) {
    throw new Error(`refusing to build into ${outDir}: it is not empty and was not made by wirefold build; choose an empty or new folder`);
  }
  if (demo && !marker.demo) {
    throw new Error(`refusing to build the demo into ${outDir}: it holds a site that is not the demo's; choose an empty or new folder with --out`);
  }
}

/** True when path is a symbolic link; false when it is anything else or cannot be read (a part of its path is a file). */
function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false;
  }
}

/** True when path is folder itself or lies somewhere below it. */
function holds(folder: string, path: string): boolean {
  const route = relative(folder, path);
  return route === '' || (route !== '..' && !route.startsWith(`..${sep}`) && !isAbsolute(route));
}

/** The absolute path with symlinks resolved as far as it exists (a missing tail is kept as written). */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPathOf(parent), basename(absolute));
}
