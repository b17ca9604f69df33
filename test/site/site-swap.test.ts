// The pieces of a safe build on real folders: the swap, the repair of what a build killed mid-swap leaves behind,
// and the refusals that must never let a build replace the root, the home folder, the project or the store.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { repoRoot, tempFolder } from '../helpers.ts';
import { createFreshSite, recoverInterruptedSwap } from '../../src/site/site-swap.ts';
import { readSiteMarker, siteMarkerName, writeSiteMarker } from '../../src/site/site-marker.ts';
import { processStart } from '../../src/processes.ts';
import { refuseDangerousOutDir, refuseForeignOutDir } from '../../src/site/out-dir-guard.ts';

/** A folder holding a marked "site" whose index.html says which build made it (and when its process started). */
function markedSite(path: string, label: string, pid = process.pid, processStartedAt?: string): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, siteMarkerName), JSON.stringify({ writtenBy: 'wirefold build', startedAt: new Date().toISOString(), pid, processStartedAt }));
  writeFileSync(join(path, 'index.html'), label);
  return path;
}

/** Runs work beside a real process that keeps running until work ends: another build's process, as far as a marker can tell. */
async function besideRunningProcess<T>(work: (pid: number) => T | Promise<T>): Promise<T> {
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    return await work(other.pid!);
  } finally {
    other.kill();
  }
}

/** The pid of a process that has run and been reaped, so nothing answers to it (until the kernel reuses it). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

/**
 * A live site built by an earlier process, holding a file made immutable (chattr +i), and swapOver: swaps a new site
 * over it and returns the previous site's leftover beside it (empty when chattr is not available) and swapIn's warning.
 */
function pinnedSite() {
  const parent = tempFolder();
  const builder = deadPid();
  const out = markedSite(join(parent, 'site'), 'old', builder);
  writeFileSync(join(out, 'pinned.html'), 'a file made immutable');
  const swapOver = async (): Promise<{ leftover: string; warning: string | null }> => {
    if (spawnSync('chattr', ['+i', join(out, 'pinned.html')]).status !== 0) return { leftover: '', warning: null };
    const fresh = createFreshSite(out);
    writeFileSync(join(fresh.path, 'index.html'), 'new');
    const warning = await fresh.swapIn();
    return { leftover: join(parent, readdirSync(parent).find((name) => name !== 'site')!), warning };
  };
  return { parent, out, builder, swapOver };
}

/** Clears the immutable flag pinnedSite set, in its leftover. */
function unpin(leftover: string): void {
  if (leftover) spawnSync('chattr', ['-i', join(leftover, 'pinned.html')]);
}

describe('the site swap', () => {
  it('builds beside the out dir with the marker in place, and swaps the new site in and the old one out', async () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'old');
    writeFileSync(join(out, 'gone.html'), 'a page the new build no longer makes');
    const fresh = createFreshSite(out);
    expect(dirname(fresh.path)).toBe(parent);
    expect(readSiteMarker(fresh.path)?.pid).toBe(process.pid);
    writeFileSync(join(fresh.path, 'index.html'), 'new');
    expect(await fresh.swapIn()).toBeNull();
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('new');
    expect(existsSync(join(out, 'gone.html'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['site']);
  });

  it('puts the previous site back when a build was killed between the two renames, and removes the new one', () => {
    const parent = tempFolder();
    markedSite(join(parent, '.site.wirefold-old-0a1b2c'), 'previous', deadPid());
    markedSite(join(parent, '.site.wirefold-new-3d4e5f'), 'next', deadPid());
    expect(recoverInterruptedSwap(join(parent, 'site'))).toEqual({ repaired: 2, warnings: [] });
    expect(readdirSync(parent)).toEqual(['site']);
    expect(readFileSync(join(parent, 'site', 'index.html'), 'utf8')).toBe('previous');
  });

  it('removes marked leftovers of dead builds, but keeps a running build\'s folder and anything without our marker', async () => {
    const parent = tempFolder();
    markedSite(join(parent, 'site'), 'current');
    markedSite(join(parent, '.site.wirefold-old-000001'), 'deleted too late', deadPid());
    markedSite(join(parent, '.site.wirefold-new-000002'), 'killed build', deadPid());
    mkdirSync(join(parent, '.site.wirefold-new-000004')); // looks like ours, has no marker
    markedSite(join(parent, '.other.wirefold-old-000005'), 'another out dir', deadPid());
    writeFileSync(join(parent, '.site.wirefold-old-000006'), 'a file, not a folder');
    await besideRunningProcess((pid) => {
      markedSite(join(parent, '.site.wirefold-new-000003'), 'running build', pid, processStart(pid)!);
      expect(recoverInterruptedSwap(join(parent, 'site'))).toEqual({ repaired: 2, warnings: [] });
    });
    expect(readdirSync(parent).sort()).toEqual(['.other.wirefold-old-000005', '.site.wirefold-new-000003',
      '.site.wirefold-new-000004', '.site.wirefold-old-000006', 'site']);
    expect(readFileSync(join(parent, 'site', 'index.html'), 'utf8')).toBe('current');
  });

  it('knows a leftover whose builder\'s pid now belongs to a later process (a container\'s pid 1 after a restart)', async () => {
    const parent = tempFolder();
    markedSite(join(parent, 'site'), 'current');
    await besideRunningProcess((pid) => {
      // The builder started in 2001; the process with its pid now started minutes ago.
      markedSite(join(parent, '.site.wirefold-new-00000a'), 'a build of a container that restarted', pid, '2001-01-01T00:00:00.000Z');
      expect(recoverInterruptedSwap(join(parent, 'site'))).toEqual({ repaired: 1, warnings: [] });
    });
    expect(readdirSync(parent)).toEqual(['site']);
  });

  it('removes a leftover of an earlier build of this same process (wirefold watch builds every round in one process)', async () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'current');
    markedSite(join(parent, '.site.wirefold-new-00000b'), 'an earlier round\'s folder', process.pid, processStart(process.pid)!);
    const fresh = createFreshSite(out);
    // The folder this process builds into now is left alone; the earlier round's is not.
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent).sort()).toEqual([basename(fresh.path), 'site']);
    fresh.discard();
  });

  it('copies the mode of the folder it replaces, so whoever reads the site can read the new one', async () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'old');
    spawnSync('chmod', ['751', out]);
    await createFreshSite(out).swapIn();
    expect(spawnSync('stat', ['-c', '%a', out], { encoding: 'utf8' }).stdout.trim()).toBe('751');
  });

  // chattr +i: root can set it, and no permission bit stops root.
  it('keeps the marker in a failed build\'s folder that cannot be deleted, so that the next build still removes it', (context) => {
    const parent = join(tempFolder(), 'parent');
    const out = join(parent, 'site');
    const fresh = createFreshSite(out);
    mkdirSync(join(fresh.path, 'stories/a'), { recursive: true });
    writeFileSync(join(fresh.path, 'stories/a/index.html'), 'half a site');
    const marker = readFileSync(join(fresh.path, siteMarkerName), 'utf8');
    if (spawnSync('chattr', ['+i', parent]).status !== 0) context.skip();
    try {
      // The folder's contents go, but the folder cannot leave its immutable parent.
      expect(() => fresh.discard()).toThrow();
      expect(readdirSync(fresh.path)).toEqual([siteMarkerName]);
      expect(readFileSync(join(fresh.path, siteMarkerName), 'utf8')).toBe(marker);
    } finally {
      spawnSync('chattr', ['-i', parent]);
    }
    // Its builder, this process, no longer builds into it: the next repair removes it.
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('goes live although the previous site cannot be deleted, says so in one line, and so does every next build until it can go', async (context) => {
    const { parent, out, builder, swapOver } = pinnedSite();
    let leftover = '';
    try {
      const swapped = await swapOver();
      if (!(leftover = swapped.leftover)) context.skip();
      expect(swapped.warning).toBe(`the previous site, now ${leftover}, cannot be deleted: permission denied (the new site is live; the next build tries again)`);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('new');
      expect(readSiteMarker(leftover)?.pid).toBe(builder);
      // The next build goes on, and names it again.
      expect(recoverInterruptedSwap(out)).toEqual({ repaired: 0, warnings: [`${leftover}, left by an earlier build, cannot be deleted: permission denied`] });
      expect(readSiteMarker(leftover)?.pid).toBe(builder);
    } finally {
      unpin(leftover);
    }
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent)).toEqual(['site']);
  });

  // "--base ../x" made Astro fail on one page while it still wrote others: they rebuilt the deleted folder, unmarked.
  it('takes a failed build\'s folder from under writers still at work, so none can build it up again unmarked', () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'current');
    const fresh = createFreshSite(out);
    mkdirSync(join(fresh.path, 'stories'));
    writeFileSync(join(fresh.path, 'stories', 'index.html'), 'half a site');
    fresh.discard();
    // A page Astro writes after the failure (mkdir -p, then the file) fails instead of making the folder again.
    expect(() => mkdirSync(join(fresh.path, 'about'), { recursive: true })).toThrow();
    expect(readdirSync(parent).sort()).toEqual([basename(fresh.path), 'site']);
    expect(statSync(fresh.path).isFile()).toBe(true);
    // The marked placeholder goes with the process, or with the next build's repair.
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent)).toEqual(['site']);
    // A process that fails build after build (wirefold watch) keeps one 'exit' listener for all its placeholders.
    const listeners = process.listenerCount('exit');
    for (let round = 0; round < 12; round++) {
      createFreshSite(out).discard();
      recoverInterruptedSwap(out);
    }
    expect(process.listenerCount('exit')).toBe(listeners);
  });

  it('deletes all of a leftover but what cannot go, not only what comes before it', (context) => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'current');
    const leftover = markedSite(join(parent, '.site.wirefold-new-00000c'), 'a killed build', deadPid());
    for (const file of ['about/index.html', 'stories/a/index.html', 'topics.html']) {
      mkdirSync(dirname(join(leftover, file)), { recursive: true });
      writeFileSync(join(leftover, file), file);
    }
    const pinned = join(leftover, 'about', 'index.html');
    if (spawnSync('chattr', ['+i', pinned]).status !== 0) context.skip();
    try {
      expect(recoverInterruptedSwap(out)).toEqual({ repaired: 0, warnings: [`${leftover}, left by an earlier build, cannot be deleted: permission denied`] });
      // "about" sorts first: the rest goes all the same.
      expect(readdirSync(leftover).sort()).toEqual([siteMarkerName, 'about']);
    } finally {
      spawnSync('chattr', ['-i', pinned]);
    }
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent)).toEqual(['site']);
  });

  // Node's rm goes into a mount and deletes what it holds; a user may have mounted a disk or a folder into the site.
  it('never deletes what a file system mounted inside a site holds, and refuses to build over such a site', async (context) => {
    const parent = tempFolder();
    const precious = join(parent, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'photo.jpg'), 'a photo');
    const out = markedSite(join(parent, 'public', 'site'), 'current');
    const media = join(out, 'media');
    mkdirSync(media);
    if (spawnSync('mount', ['--bind', precious, media]).status !== 0) context.skip();
    let leftover = '';
    try {
      expect(() => refuseDangerousOutDir(out, join(parent, 'store.db'))).toThrow(`refusing to build into ${out}: ${media} inside it is a mount ` +
        'point, and a build replaces the whole folder (it would take the mount out of the site and delete what it holds); mount it elsewhere');
      // Mounted while a build ran: the swap carries the mount into the previous site, which is then left whole.
      const fresh = createFreshSite(out);
      const warning = await fresh.swapIn();
      leftover = join(parent, 'public', readdirSync(join(parent, 'public')).find((name) => name !== 'site')!);
      expect(warning).toBe(`the previous site, now ${leftover}, cannot be deleted: ${leftover}/media inside it is a mount point; unmount it ` +
        '(the new site is live; the next build tries again)');
      expect(recoverInterruptedSwap(out).warnings).toEqual([`${leftover}, left by an earlier build, cannot be deleted: ${leftover}/media inside it is a mount point; unmount it`]);
      expect(readFileSync(join(precious, 'photo.jpg'), 'utf8')).toBe('a photo');
      expect(readFileSync(join(leftover, 'index.html'), 'utf8')).toBe('current');
    } finally {
      spawnSync('umount', [leftover ? join(leftover, 'media') : media]);
    }
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(join(parent, 'public'))).toEqual(['site']);
    expect(readFileSync(join(precious, 'photo.jpg'), 'utf8')).toBe('a photo');
  });

  it('never puts a previous site live whose deletion was cut short, even when the out dir is gone', async (context) => {
    const { parent, out, swapOver } = pinnedSite();
    let leftover = '';
    try {
      if (!(leftover = (await swapOver()).leftover)) context.skip();
      // What is left of the previous site: its marker and the file that could not go, not its index.html.
      expect(readdirSync(leftover).sort()).toEqual([siteMarkerName, 'pinned.html']);
    } finally {
      unpin(leftover);
    }
    // The user deletes the live site; the next build finds no out dir and must not put the half-deleted one there.
    rmSync(out, { recursive: true });
    recoverInterruptedSwap(out);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('replaces an empty folder in one rename', async () => {
    const parent = tempFolder();
    mkdirSync(join(parent, 'site'));
    const fresh = createFreshSite(join(parent, 'site'));
    writeSiteMarker(fresh.path);
    await fresh.swapIn();
    expect(readdirSync(join(parent, 'site'))).toEqual([siteMarkerName]);
    expect(readdirSync(parent)).toEqual(['site']);
  });
});

describe('a build stopped by a signal (withdraw)', () => {
  it('removes its fresh folder and leaves in its place only the marked placeholder the exit removes; a swap after it refuses', async () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'live');
    const fresh = createFreshSite(out);
    mkdirSync(join(fresh.path, 'stories', 'a'), { recursive: true });
    writeFileSync(join(fresh.path, 'stories', 'a', 'index.html'), 'half built');
    await fresh.withdraw();
    expect(readdirSync(parent).sort()).toEqual([basename(fresh.path), 'site']);
    expect(statSync(fresh.path).isFile()).toBe(true);
    // A writer still at work (Astro's mkdir -p) can no longer build the folder up again.
    expect(() => mkdirSync(join(fresh.path, 'stories', 'b'), { recursive: true })).toThrow(/ENOTDIR/);
    await expect(fresh.swapIn()).rejects.toThrow(/it was withdrawn/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('live');
    fresh.discard();
    expect(statSync(fresh.path).isFile()).toBe(true);
    // Our placeholder while we run; once its builder is gone, the next build removes it as its marker says.
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 0, warnings: [] });
    writeFileSync(fresh.path, JSON.stringify({ writtenBy: 'wirefold build', startedAt: new Date().toISOString(), pid: deadPid() }));
    expect(recoverInterruptedSwap(out)).toEqual({ repaired: 1, warnings: [] });
    expect(readdirSync(parent)).toEqual(['site']);
  });

  it('after the swap leaves the new site live and only finishes deleting the previous one', async () => {
    const parent = tempFolder();
    const out = markedSite(join(parent, 'site'), 'old');
    const fresh = createFreshSite(out);
    writeFileSync(join(fresh.path, 'index.html'), 'new');
    const swapped = fresh.swapIn();
    await fresh.withdraw();
    await swapped;
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('new');
    expect(readdirSync(parent)).toEqual(['site']);
  });

  it('touches nothing once its folder no longer holds its own marker', async () => {
    const parent = tempFolder();
    const fresh = createFreshSite(join(parent, 'site'));
    markedSite(fresh.path, 'someone else\'s', deadPid());
    await fresh.withdraw();
    expect(readFileSync(join(fresh.path, 'index.html'), 'utf8')).toBe('someone else\'s');
  });
});

describe('the out dir refusals', () => {
  const store = join(repoRoot, 'data', 'not-created.db');

  // Checked here on the functions, never through a build: a broken guard must not get to empty these folders.
  it('refuses the filesystem root, the home folder, the project and a folder that holds it', () => {
    expect(() => refuseDangerousOutDir('/', store)).toThrow(/^refusing to build into \/: it is the filesystem root$/);
    expect(() => refuseDangerousOutDir(homedir(), store)).toThrow(/your home folder|holds the Wirefold project/);
    expect(() => refuseDangerousOutDir(repoRoot, store)).toThrow(/it holds the Wirefold project$/);
    expect(() => refuseDangerousOutDir(dirname(repoRoot), store)).toThrow(/it holds the Wirefold project$/);
    expect(() => refuseDangerousOutDir(join(repoRoot, 'dist'), store)).not.toThrow();
  });

  // A site built into public/ was copied into every later build, its pages shadowing the real ones (stale pages, exit
  // 0, into any --out); one built into src/pages made every later build fail with pages of stack traces.
  it('refuses a folder inside one the build reads or works in: src/, public/, .astro/, node_modules/', () => {
    for (const [folder, out] of [['src', 'src/pages/site'], ['public', 'public'], ['public', 'public/news'], ['.astro', '.astro/site'], ['node_modules', 'node_modules/site']]) {
      expect(() => refuseDangerousOutDir(join(repoRoot, out!), store), out).toThrow(
        `refusing to build into ${join(repoRoot, out!)}: it lies inside the project's ${folder}/, which every build reads or works in`);
    }
    expect(() => refuseDangerousOutDir(join(repoRoot, 'site'), store)).not.toThrow();
  });

  it('refuses a folder that is or holds the store, its -wal or its -shm, at any depth and through a symlink', () => {
    const parent = tempFolder();
    mkdirSync(join(parent, 'site', 'deep'), { recursive: true });
    writeFileSync(join(parent, 'site', 'deep', 'store.db-wal'), '');
    const storePath = join(parent, 'site', 'deep', 'store.db');
    expect(() => refuseDangerousOutDir(join(parent, 'site'), storePath)).toThrow(`it contains the store ${storePath}-wal`);
    spawnSync('ln', ['-s', join(parent, 'site'), join(parent, 'link')]);
    expect(() => refuseDangerousOutDir(join(parent, 'link'), storePath)).toThrow(/it contains the store/);
    expect(() => refuseDangerousOutDir(`${storePath}-wal`, storePath)).toThrow(`it is the store ${storePath}-wal`);
    expect(() => refuseDangerousOutDir(join(parent, 'elsewhere'), storePath)).not.toThrow();
  });

  it('refuses a symbolic link to nothing before building (the swap would fail after the whole build)', () => {
    const parent = tempFolder();
    spawnSync('ln', ['-s', join(parent, 'missing'), join(parent, 'dangling')]);
    expect(() => refuseDangerousOutDir(join(parent, 'dangling'), join(parent, 'store.db'))).toThrow(
      `refusing to build into ${join(parent, 'dangling')}: it is a symbolic link to ${join(parent, 'missing')}, which does not exist; create that folder or choose another --out`);
    mkdirSync(join(parent, 'missing'));
    expect(() => refuseDangerousOutDir(join(parent, 'dangling'), join(parent, 'store.db'))).not.toThrow();
  });

  it('accepts a missing folder, an empty one and a Wirefold site; refuses a file and a foreign folder', () => {
    const parent = tempFolder();
    expect(() => refuseForeignOutDir(join(parent, 'missing'))).not.toThrow();
    mkdirSync(join(parent, 'empty'));
    expect(() => refuseForeignOutDir(join(parent, 'empty'))).not.toThrow();
    expect(() => refuseForeignOutDir(markedSite(join(parent, 'ours'), 'x'))).not.toThrow();
    writeFileSync(join(parent, 'file'), 'x');
    expect(() => refuseForeignOutDir(join(parent, 'file'))).toThrow(/it is a file, not a folder$/);
    renameSync(join(parent, 'ours', siteMarkerName), join(parent, 'ours', 'marker-moved'));
    expect(() => refuseForeignOutDir(join(parent, 'ours'))).toThrow(/it is not empty and was not made by wirefold build; choose an empty or new folder$/);
  });
});
