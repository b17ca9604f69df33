// `wirefold build` run as users run it, on a small synthetic store: it refuses folders it does not own and leaves them
// byte for byte as they were, says in one line when --out cannot be written, and a `kill -9` at any moment leaves the
// previous site whole, no stray folders once the next build has run, and none of its child processes behind.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { repoRoot, runWirefold, tempFolder } from '../helpers.ts';
import { filesUnder } from '../demo-site.ts';
import { generateSyntheticStore } from '../../bench/build/synthetic-store.ts';
import type { SyntheticShape } from '../../bench/build/synthetic-store.ts';

const buildTimeoutMs = 180_000;
const shape = (seed: number): SyntheticShape => ({ stories: 60, articles: 150, topics: 8, outlets: 20, days: 10, seed });

let folder: string;
let storeA: string;
let storeB: string;

/** Every file under dir (dotfiles included) with its contents' hash and mode: what "left untouched" compares. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir, () => true).map((file) => {
    const path = join(dir, file);
    return [file, `${statSync(path).mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`];
  }));
}

function storyCount(storePath: string): number {
  const db = new DatabaseSync(storePath, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM stories').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

interface ProcessInfo {
  pid: number;
  state: string;
  /** The process group: a build started as a group leader shares its id with its descendants, orphaned or not. */
  group: number;
  cmdline: string;
}

/** What /proc says about pid, or null when it is gone. */
function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, state: fields[0]!, group: Number(fields[2]), cmdline };
  } catch {
    return null;
  }
}

const alive = (info: ProcessInfo | null): info is ProcessInfo => info !== null && info.state !== 'Z';

function childrenOf(pid: number): ProcessInfo[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean))
      .map((child) => processInfo(Number(child))).filter(alive);
  } catch {
    return [];
  }
}

/**
 * Processes still running that a killed build left behind: its children at the moment of the kill, anything in its
 * process group (its descendants, even once orphaned), and anything that names the test folder.
 */
async function leftBehind(build: ProcessInfo, children: ProcessInfo[]): Promise<string[]> {
  const suspects = () => [
    ...children.map((child) => processInfo(child.pid)).filter(alive),
    ...readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map((name) => processInfo(Number(name))).filter(alive)
      .filter((info) => info.group === build.pid || info.cmdline.includes(folder)),
  ];
  // Children learn of the kill when their end of a pipe closes: give them a moment.
  for (let attempt = 0; attempt < 40 && suspects().length > 0; attempt++) await sleep(100);
  return suspects().map((info) => `${info.pid} ${info.cmdline}`);
}

/**
 * Runs `wirefold build` and kills it with SIGKILL as soon as killWhen (given the milliseconds since it started and its
 * children) says so; fails if the build ends first. Returns the build and its children at the kill.
 */
async function killBuild(storePath: string, outDir: string, killWhen: (elapsedMs: number, children: ProcessInfo[]) => boolean) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'build', '--db', storePath, '--out', outDir, '--images', 'hotlink'],
    { cwd: repoRoot, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const build = processInfo(child.pid!)!;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the build ended (${child.exitCode}) before the moment to kill it`);
    const children = childrenOf(child.pid!);
    if (killWhen(performance.now() - started, children)) {
      child.kill('SIGKILL');
      await exited;
      return { build, children };
    }
    await sleep(20);
  }
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

  it('leaves the previous site whole when killed with SIGKILL at any moment, and no child process behind', async () => {
    const parent = join(folder, 'public');
    const out = join(parent, 'site');
    if (!existsSync(join(out, '.wirefold-site'))) expect(build(storeB, out).status).toBe(0);
    const previous = snapshot(out);
    expect(Object.keys(previous)).toContain('index.html');
    expect(Object.keys(previous).some((file) => /^stories\/[^/]+\/index\.html$/.test(file))).toBe(true);

    const moments: [string, (elapsedMs: number, children: ProcessInfo[]) => boolean][] = [
      ['after 0.5 s', (elapsedMs) => elapsedMs >= 500],
      ['after 1.5 s', (elapsedMs) => elapsedMs >= 1500],
      ['after 3 s', (elapsedMs) => elapsedMs >= 3000],
      ['once esbuild runs', (_, children) => children.some((child) => child.cmdline.includes('esbuild'))],
      ['once pages are being written', () => readdirSync(parent).some((name) => existsSync(join(parent, name, 'stories')) && name !== 'site')],
      ['once Pagefind runs', (_, children) => children.some((child) => child.cmdline.includes('pagefind'))],
    ];
    for (const [moment, killWhen] of moments) {
      // Killed while building store A's site over store B's: any page it wrote in place would differ.
      const { build: killed, children } = await killBuild(storeA, out, killWhen);
      if (moment.startsWith('once')) expect(children.length, `${moment}: children at the kill`).toBeGreaterThan(0);
      expect(await leftBehind(killed, children), moment).toEqual([]);
      expect(snapshot(out), moment).toEqual(previous);
    }

    const result = build(storeA, out);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['site']);
    expect(snapshot(out)['index.html']).not.toBe(previous['index.html']);
  }, 4 * buildTimeoutMs);
});
