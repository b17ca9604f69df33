// `wirefold build` run as users run it, on a small synthetic store: it refuses folders it does not own and leaves them
// byte for byte as they were, says in one line when --out cannot be written, and a `kill -9` at any moment leaves the
// previous site whole, no stray folders once the next build has run, and none of its child processes behind.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { spawnSync } from 'node:child_process';
import { runWirefold, tempFolder } from '../helpers.ts';
import { filesUnder } from '../demo-site.ts';
import { buildWorkdirs, leftBehind, signalBuild, snapshot } from '../crash/build-processes.ts';
import type { ProcessInfo } from '../crash/build-processes.ts';
import { generateSyntheticStore } from '../../bench/build/synthetic-store.ts';
import type { SyntheticShape } from '../../bench/build/synthetic-store.ts';

const buildTimeoutMs = 180_000;
const shape = (seed: number): SyntheticShape => ({ stories: 60, articles: 150, topics: 8, outlets: 20, days: 10, seed });

let folder: string;
let storeA: string;
let storeB: string;

function storyCount(storePath: string): number {
  const db = new DatabaseSync(storePath, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM stories').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs `wirefold build` and kills it with SIGKILL as soon as killWhen says so (signalBuild); returns the build and its children at the kill. */
async function killBuild(storePath: string, outDir: string, killWhen: (elapsedMs: number, children: ProcessInfo[]) => boolean) {
  const { build, children, signal } = await signalBuild(storePath, outDir, 'SIGKILL', killWhen);
  if (signal !== 'SIGKILL') throw new Error(`the build ended by ${signal}, not by the kill`);
  return { build, children };
}

const build = (storePath: string, outDir: string, cwd?: string) =>
  runWirefold(['build', '--db', storePath, '--out', outDir, '--images', 'hotlink'], { cwd, timeout: buildTimeoutMs });

describe('wirefold build never loses or wrecks what a user has', () => {
  beforeAll(async () => {
    folder = tempFolder();
    storeA = join(folder, 'a.db');
    storeB = join(folder, 'b.db');
    await generateSyntheticStore(storeA, shape(1));
    await generateSyntheticStore(storeB, shape(2));
  });

  it('refuses a non-empty folder it did not make, and leaves it byte for byte as it was', () => {
    const parent = join(folder, 'foreign');
    const out = join(parent, 'mine');
    mkdirSync(join(out, 'notes'), { recursive: true });
    writeFileSync(join(out, 'index.html'), '<p>my own page</p>');
    writeFileSync(join(out, 'notes', 'todo.txt'), 'keep me');
    const before = snapshot(parent);
    const result = build(storeA, out);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold build: refusing to build into ${out}: it is not empty and was not made by wirefold build; choose an empty or new folder`);
    expect(snapshot(parent)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['mine']);
  });

  it('refuses "--db site/store.db --out site" and keeps the store', async () => {
    const site = join(folder, 'with-store');
    mkdirSync(site);
    const store = join(site, 'store.db');
    await generateSyntheticStore(store, shape(3));
    const result = build(store, site);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold build: refusing to build into ${site}: it contains the store ${store}`);
    expect(storyCount(store)).toBe(60);
    expect(readdirSync(folder).filter((name) => name.includes('wirefold-'))).toEqual([]);
  });

  it('refuses a folder that holds the current folder', () => {
    const work = join(folder, 'work');
    mkdirSync(join(work, 'here'), { recursive: true });
    writeFileSync(join(work, 'here', 'keep.txt'), 'keep me');
    const result = build(storeA, '..', join(work, 'here'));
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold build: refusing to build into ${work}: it holds the current folder`);
    expect(readFileSync(join(work, 'here', 'keep.txt'), 'utf8')).toBe('keep me');
  });

  it('says in one line, with no stack, that an out dir under a file cannot be written', () => {
    writeFileSync(join(folder, 'a-file'), 'not a folder');
    const out = join(folder, 'a-file', 'site');
    const result = build(storeA, out);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold build: cannot write the site to ${out}: a part of its path is a file, not a folder`);
    expect(readFileSync(join(folder, 'a-file'), 'utf8')).toBe('not a folder');
  });

  // An immutable out dir (chattr +i; root can set it, and no permission bit stops root) cannot be renamed aside.
  const immutable = (path: string, on: boolean) => spawnSync('chattr', [on ? '+i' : '-i', path]).status === 0;
  it('says in one line, with no raw error, that an out dir it cannot swap out cannot be written, and leaves it as it was', (context) => {
    const out = join(folder, 'pinned', 'site');
    expect(build(storeA, out).status).toBe(0);
    const before = snapshot(out);
    if (!immutable(out, true)) context.skip();
    try {
      const result = build(storeB, out);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`wirefold build: cannot write the site to ${out}: permission denied`);
    } finally {
      immutable(out, false);
    }
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(join(folder, 'pinned'))).toEqual(['site']);
  }, 2 * buildTimeoutMs);

  it('refuses at once, in one line, an out dir that is a mount point (the swap cannot rename it), and leaves it as it was', (context) => {
    // A Docker volume or a disk mounted at --out: rename(2) of a mount point fails with EBUSY, so the swap could never
    // succeed; the build used to find that out only after rendering and indexing the whole site.
    const volume = join(folder, 'vol ume');
    const out = join(folder, 'mounted', 'my site');
    mkdirSync(volume, { recursive: true });
    mkdirSync(out, { recursive: true });
    if (spawnSync('mount', ['--bind', volume, out]).status !== 0) context.skip();
    try {
      const started = performance.now();
      const result = build(storeA, out);
      expect(result.stderr.trim()).toBe(`wirefold build: refusing to build into ${out}: it is a mount point, which the build cannot replace (it renames a new folder into place); build into a folder inside it`);
      expect(result.status).toBe(1);
      expect(performance.now() - started, 'refused before building').toBeLessThan(15_000);
      expect(readdirSync(out)).toEqual([]);
      expect(readdirSync(join(folder, 'mounted'))).toEqual(['my site']);
    } finally {
      spawnSync('umount', [out]);
    }
  }, buildTimeoutMs);

  it('replaces a site it built before, pages that are gone included, and leaves nothing beside it', () => {
    const parent = join(folder, 'public');
    const out = join(parent, 'site');
    expect(build(storeA, out).status).toBe(0);
    const first = JSON.parse(readFileSync(join(out, '.wirefold-site'), 'utf8')) as { writtenBy: string; startedAt: string };
    expect(first.writtenBy).toBe('wirefold build');
    writeFileSync(join(out, 'stories', 'gone.html'), 'a page the next build does not make');
    const before = readFileSync(join(out, 'index.html'), 'utf8');

    const result = build(storeB, out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`build: \\d+ pages in ${out}`));
    const second = JSON.parse(readFileSync(join(out, '.wirefold-site'), 'utf8')) as { startedAt: string };
    expect(second.startedAt > first.startedAt).toBe(true);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toBe(before);
    expect(filesUnder(out, (name) => name === 'gone.html')).toEqual([]);
    expect(filesUnder(out, () => true).some((file) => file.startsWith('pagefind/'))).toBe(true);
    expect(readdirSync(parent)).toEqual(['site']);
  }, 2 * buildTimeoutMs);

  it('refuses, in one line and touching nothing, to replace a site beside whose files a user put their own', () => {
    const parent = join(folder, 'deploy');
    const out = join(parent, 'site');
    expect(build(storeA, out).status).toBe(0);
    // A deploy folder: the user's git repository with the site copied in, and a CNAME.
    mkdirSync(join(out, '.git'));
    writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(out, 'CNAME'), 'news.example.org\n');
    const before = snapshot(out);
    const refused = build(storeB, out);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(`wirefold build: refusing to build into ${out}: it holds .git, CNAME, which no build wrote, and a build ` +
      'replaces the whole folder; move them out first (or build into another folder and copy the site in when you deploy)');
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['site']);
    rmSync(join(out, '.git'), { recursive: true });
    rmSync(join(out, 'CNAME'));
    expect(build(storeB, out).status).toBe(0);
  }, 3 * buildTimeoutMs);

  it('goes on building, and says so in one line each time, while a previous site cannot be deleted', (context) => {
    const parent = join(folder, 'pinned');
    const out = join(parent, 'site');
    expect(build(storeA, out).status).toBe(0);
    const pinned = join(out, 'stories', 'pinned.html');
    writeFileSync(pinned, 'a file made immutable');
    if (spawnSync('chattr', ['+i', pinned]).status !== 0) context.skip();
    let leftover = '';
    try {
      const first = build(storeB, out);
      expect(first.status, first.stderr).toBe(0);
      leftover = join(parent, readdirSync(parent).find((name) => name !== 'site')!);
      expect(first.stderr).toContain(`build: warning: the previous site, now ${leftover}, cannot be deleted: permission denied (the new site is live; the next build tries again)`);
      const second = build(storeA, out);
      expect(second.status, second.stderr).toBe(0);
      expect(second.stderr).toContain(`build: warning: ${leftover}, left by an earlier build, cannot be deleted: permission denied`);
      expect(second.stdout).toMatch(new RegExp(`build: \\d+ pages in ${out}`));
    } finally {
      spawnSync('chattr', ['-i', leftover ? join(leftover, 'stories', 'pinned.html') : pinned]);
    }
    const third = build(storeB, out);
    expect(third.stdout + third.stderr).not.toContain('warning');
    expect(readdirSync(parent)).toEqual(['site']);
  }, 4 * buildTimeoutMs);

  it('leaves the previous site whole when killed with SIGKILL at any moment, and no child process behind', async () => {
    const parent = join(folder, 'public');
    const out = join(parent, 'site');
    if (!existsSync(join(out, '.wirefold-site'))) expect(build(storeB, out).status).toBe(0);
    const previous = snapshot(out);
    expect(Object.keys(previous)).toContain('index.html');
    expect(Object.keys(previous).some((file) => /^stories\/[^/]+\/index\.html$/.test(file))).toBe(true);

    // Moments in time are fractions of how long this machine takes for the same build: fixed seconds (0.5, 1.5, 3 s)
    // outlived the whole build on a quiet machine ("the build ended before the moment to signal it").
    const started = performance.now();
    expect(build(storeA, join(folder, 'timed-site')).status).toBe(0);
    const buildMs = performance.now() - started;
    const moments: [string, (elapsedMs: number, children: ProcessInfo[]) => boolean][] = [
      ['a tenth of the way in', (elapsedMs) => elapsedMs >= 0.1 * buildMs],
      ['a third of the way in', (elapsedMs) => elapsedMs >= 0.3 * buildMs],
      ['half way in', (elapsedMs) => elapsedMs >= 0.5 * buildMs],
      ['once esbuild runs', (_, children) => children.some((child) => child.cmdline.includes('esbuild'))],
      ['once pages are being written', () => readdirSync(parent).some((name) => existsSync(join(parent, name, 'stories')) && name !== 'site')],
      ['once Pagefind runs', (_, children) => children.some((child) => child.cmdline.includes('pagefind'))],
    ];
    const killedPids: number[] = [];
    for (const [moment, killWhen] of moments) {
      // Killed while building store A's site over store B's: any page it wrote in place would differ.
      const { build: killed, children } = await killBuild(storeA, out, killWhen);
      killedPids.push(killed.pid);
      if (moment.startsWith('once')) expect(children.length, `${moment}: children at the kill`).toBeGreaterThan(0);
      expect(await leftBehind(killed, children, folder), moment).toEqual([]);
      expect(snapshot(out), moment).toEqual(previous);
    }

    const result = build(storeA, out);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['site']);
    expect(snapshot(out)['index.html']).not.toBe(previous['index.html']);
    // The next build also removes the working folders the killed ones left in the project's .astro/.
    expect(killedPids.flatMap(buildWorkdirs)).toEqual([]);
  }, 4 * buildTimeoutMs);
});
