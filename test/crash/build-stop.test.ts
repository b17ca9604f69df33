// `wirefold build` stopped by a real SIGINT or SIGTERM while it renders pages or while Pagefind indexes them: it exits
// 130/143 having cleaned up after itself: the live site byte for byte as before, no `.<out>.wirefold-new-…` folder
// beside it (not even for the next build to remove), and no Pagefind (or any other) child process left running.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runWirefold, tempFolder } from '../helpers.ts';
import { buildWorkdirs, leftBehind, processInfo, signalBuild, snapshot } from './build-processes.ts';
import { readSiteMarker } from '../../src/site/site-marker.ts';
import type { ProcessInfo } from './build-processes.ts';
import { generateSyntheticStore } from '../../bench/build/synthetic-store.ts';

const buildTimeoutMs = 180_000;
let folder: string;
let storeA: string;
let parent: string;
let out: string;

const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
/** A page of the new site is on disk beside the live one: Astro is rendering. */
const rendering = () => readdirSync(parent).some((name) => name !== 'site' && existsSync(join(parent, name, 'stories')));
const pagefindRuns = (children: ProcessInfo[]) => children.some((child) => child.cmdline.includes('pagefind'));

describe('a build stopped by SIGINT or SIGTERM cleans up after itself', () => {
  beforeAll(async () => {
    folder = tempFolder();
    storeA = join(folder, 'a.db');
    const storeB = join(folder, 'b.db');
    await generateSyntheticStore(storeA, { stories: 60, articles: 150, topics: 8, outlets: 20, days: 10, seed: 1 });
    await generateSyntheticStore(storeB, { stories: 60, articles: 150, topics: 8, outlets: 20, days: 10, seed: 2 });
    parent = join(folder, 'public');
    out = join(parent, 'site');
    const first = runWirefold(['build', '--db', storeB, '--out', out, '--images', 'hotlink'], { timeout: buildTimeoutMs });
    expect(first.status, first.stderr).toBe(0);
  }, buildTimeoutMs);

  const moments: [keyof typeof exitCodes, string, (elapsedMs: number, children: ProcessInfo[]) => boolean][] = [
    ['SIGINT', 'while Vite bundles', (_, children) => children.some((child) => child.cmdline.includes('esbuild'))],
    ['SIGINT', 'while pages are being written', rendering],
    ['SIGTERM', 'while pages are being written', rendering],
    ['SIGINT', 'while Pagefind indexes', (_, children) => pagefindRuns(children)],
    ['SIGTERM', 'while Pagefind indexes', (_, children) => pagefindRuns(children)],
  ];
  for (const [signal, moment, signalWhen] of moments) {
    it(`${signal} ${moment}: exit ${exitCodes[signal]}, the live site untouched, no folder and no child left`, async () => {
      const previous = snapshot(out);
      // Store A's site over store B's: any page written in place would differ.
      const stopped = await signalBuild(storeA, out, signal, signalWhen);
      if (moment.includes('Pagefind')) expect(pagefindRuns(stopped.children), 'Pagefind ran at the signal').toBe(true);
      // Its one line and nothing else: not the errors of the work it abandoned (Astro's pages failing to render).
      expect(stopped.stderr.trim()).toBe(`wirefold build: stopped (${signal})`);
      expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: exitCodes[signal], signal: null });
      // Pagefind is ended and reaped before the build exits, not left to notice later that its stdin closed.
      const pagefind = stopped.children.filter((child) => child.cmdline.includes('pagefind'));
      expect(pagefind.map((child) => processInfo(child.pid)).filter((info) => info !== null), 'Pagefind at the exit').toEqual([]);
      expect(await leftBehind(stopped.build, stopped.children, folder)).toEqual([]);
      expect(readdirSync(parent)).toEqual(['site']);
      expect(snapshot(out)).toEqual(previous);
      expect(buildWorkdirs(stopped.build.pid), 'its working folder in .astro/').toEqual([]);
    }, buildTimeoutMs);
  }

  // A terminal's Ctrl-C signals the whole foreground process group: Pagefind gets its SIGINT at the same moment as the
  // build and dies at once, so the build may see Pagefind's failure before its own stop handler has run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the process group while Pagefind indexes: exit ${exitCodes[signal]} with the one line, not Pagefind's failure`, async () => {
      const previous = snapshot(out);
      // The race is lost about half the time (3 of 5 stops of the demo site without the fix), so three stops.
      for (let attempt = 0; attempt < 3; attempt++) {
        const stopped = await signalBuild(storeA, out, signal, (_, children) => pagefindRuns(children), true);
        expect(stopped.stderr.trim()).toBe(`wirefold build: stopped (${signal})`);
        expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: exitCodes[signal], signal: null });
        expect(await leftBehind(stopped.build, stopped.children, folder)).toEqual([]);
        expect(readdirSync(parent)).toEqual(['site']);
        expect(snapshot(out)).toEqual(previous);
      }
    }, 3 * buildTimeoutMs);
  }

  it('SIGINT while an incremental build renders its few changed pages: its one line, not the errors of Astro\'s abandoned renders', async () => {
    // The build's own working folder (Astro's bundled pages) goes when Astro's build fails on the withdrawn folder,
    // while Astro's other pages are still rendering from it: each of them failed with a logged ERR_MODULE_NOT_FOUND.
    const smallParent = join(folder, 'small');
    const smallOut = join(smallParent, 'site');
    const built = runWirefold(['build', '--db', storeA, '--out', smallOut, '--images', 'hotlink'], { timeout: buildTimeoutMs });
    expect(built.status, built.stderr).toBe(0);
    const changed = join(folder, 'a-changed.db');
    const db = new DatabaseSync(storeA);
    db.exec(`VACUUM INTO '${changed}'`);
    db.close();
    const copy = new DatabaseSync(changed);
    copy.exec(`UPDATE articles SET title = title || ' (updated)' WHERE id = (SELECT min(id) FROM articles)`);
    copy.close();
    const previous = snapshot(smallOut);
    const stopped = await signalBuild(changed, smallOut, 'SIGINT',
      () => readdirSync(smallParent).some((name) => name !== 'site' && existsSync(join(smallParent, name, 'stories'))));
    expect(stopped.stderr.trim()).toBe('wirefold build: stopped (SIGINT)');
    expect(stopped.code).toBe(130);
    expect(readdirSync(smallParent)).toEqual(['site']);
    expect(snapshot(smallOut)).toEqual(previous);
  }, 2 * buildTimeoutMs);

  it('a clean-up that outlasts its budget says so and exits 130; what is left keeps its marker and the next build removes it', async () => {
    // 100,000 empty files, moved into the new site as it renders: a deletion that takes longer than the stop's budget,
    // shortened to 0.2 s here (WIREFOLD_STOP_BUDGET_MS), since on a quiet machine it took less than the real 3 s
    // (4.6 s for half as many at load 8; the 5,400-page bench site took 2.1-2.7 s at load 5-6).
    const padding = join(folder, 'padding');
    for (let dir = 0; dir < 100; dir++) {
      mkdirSync(join(padding, `d${dir}`), { recursive: true });
      for (let file = 0; file < 1000; file++) writeFileSync(join(padding, `d${dir}`, `f${file}`), '');
    }
    const previous = snapshot(out);
    process.env['WIREFOLD_STOP_BUDGET_MS'] = '200';
    const stopped = await signalBuild(storeA, out, 'SIGINT', () => {
      const fresh = readdirSync(parent).find((name) => name !== 'site' && existsSync(join(parent, name, 'stories')));
      if (fresh) renameSync(padding, join(parent, fresh, 'padding'));
      return fresh !== undefined;
    }).finally(() => delete process.env['WIREFOLD_STOP_BUDGET_MS']);
    expect(stopped.stderr).toContain('wirefold build: clean-up unfinished after 0.2 s; exiting (the next run finishes it)');
    expect(stopped.code).toBe(130);
    expect(snapshot(out)).toEqual(previous);
    const left = readdirSync(parent).filter((name) => name !== 'site');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.site\.wirefold-new-[0-9a-f]{12}$/);
    expect(readSiteMarker(join(parent, left[0]!))?.pid, 'the marker, deleted last').toBe(stopped.build.pid);
    const next = runWirefold(['build', '--db', storeA, '--out', out, '--images', 'hotlink'], { timeout: buildTimeoutMs });
    expect(next.status, next.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['site']);
  }, 2 * buildTimeoutMs);
});
