// Site build at scale: a synthetic store of 5,000 stories, 20,000 articles and 200 topics, built by the real
// `wirefold build` command, against a bare Astro project (bench/build/bare) rendering as many trivial pages, in the
// same run with the same Astro concurrency. Targets: ≤ 1.5× the bare build (issue 15; 2× in issue 6), ≤ 30 s, home page
// ≤ 50 KB gzipped; peak memory reported. Then the incremental build (issue 15): the last round's site rebuilt after 50
// new stories (addSyntheticStories), ≤ 20 % of a full build, and once more with nothing new (the site is up to date).
//
// Each build runs in a fresh child process under /usr/bin/time, so its wall time includes starting Node and Astro (the
// same for both) and its peak RSS is the build's alone (the largest process of its tree, e.g. a search indexer).
// Rounds alternate Wirefold and bare builds so that a busy moment on a shared machine hits both alike; medians are
// printed, and each build's CPU time so that a slow run can be told apart from a slow machine.
// Pagefind, which Wirefold's build runs after Astro, is also timed alone once on the same pages, to show its share.
// Where each timed build's time went comes from its own run record (the build's phases, build-site.ts), so the phases
// and the wall time are of the same run; what lies outside the phases is Node's start, loading the CLI, and exit.
// Before each timed build the bench flushes its own writes and deletes (`sync`): copying a 5,400-page site and deleting
// the previous one leave the kernel writing back and, on a disk mounted with `discard`, trimming, for seconds after
// the call returns, which the next timed build would otherwise pay for.
// BENCH_BUILD_ROUNDS=<n> (default 3); BENCH_BUILD_CPU_PROF=<dir> writes V8 CPU profiles of the Wirefold builds there (full and incremental).
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { addSyntheticStories, benchShape, generateSyntheticStore } from './synthetic-store.ts';
import { measureNode, median } from '../child-figures.ts';
import type { ChildFigures } from '../child-figures.ts';
import type { BenchRow } from '../run.ts';
import { readStore } from '../../src/store/store.ts';
import { recentRuns } from '../../src/store/runs.ts';
import type { Counts } from '../../src/store/runs.ts';
import { buildPhases } from '../../src/site/build-site.ts';

const TARGET = { ratio: 1.5, seconds: 30, homeGzipKb: 50, changedStories: 50, incrementalShare: 0.2 };
const wirefoldCli = fileURLToPath(new URL('../../scripts/wirefold.mjs', import.meta.url));
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
// The package exports only its API; its command-line runner sits next to it (the "bin" of its package.json).
const pagefindCli = join(dirname(fileURLToPath(import.meta.resolve('pagefind'))), 'runner', 'bin.cjs');

function countFiles(dir: string, accept: (name: string) => boolean): number {
  let count = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) count += countFiles(path, accept);
    else if (accept(entry)) count++;
  }
  return count;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const buildArgs = (storePath: string, out: string) =>
  [wirefoldCli, 'build', '--db', storePath, '--out', out, '--site-url', 'https://bench.example', '--images', 'hotlink'];
const env = { ...process.env, NO_COLOR: '1' };

/** What the latest build of the store at storePath recorded: pages, rendered, kept, upToDate, <phase>Seconds. */
async function lastBuildCounts(storePath: string): Promise<Counts> {
  const runs = await readStore(storePath, (store) => recentRuns(store, 10));
  return runs.find((run) => run.stage === 'build')?.counts ?? {};
}

/** Flushes the file system's pending writes and deletes, so that a timed build does not pay for the bench's own. */
const settle = () => execFileSync('sync');

/**
 * "inputs 1.6, plan 0.8, …; outside the stage 0.9": the median seconds of each build phase over the builds, and of the
 * wall time that no phase covers; phases that took under 0.05 s everywhere are left out.
 */
function phaseMedians(builds: readonly ChildFigures[], counts: readonly Counts[]): string {
  if (!counts.every((count) => `${buildPhases[0]}Seconds` in count)) return 'n/a (this build records no phases)';
  const phases = buildPhases.map((phase) => [phase, median(counts.map((count) => count[`${phase}Seconds`] ?? 0))] as const)
    .filter(([, value]) => value >= 0.05);
  const outside = median(builds.map((build, index) => build.ms / 1000 - buildPhases.reduce((sum, phase) => sum + (counts[index]![`${phase}Seconds`] ?? 0), 0)));
  return `${phases.map(([phase, value]) => `${phase} ${value.toFixed(1)}`).join(', ')}; outside the stage ${outside.toFixed(1)} (s)`;
}

export async function run(): Promise<BenchRow[]> {
  const rounds = Math.max(1, Number(process.env['BENCH_BUILD_ROUNDS'] ?? 3));
  const profileDir = process.env['BENCH_BUILD_CPU_PROF'];
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-build-'));
  try {
    const storePath = join(folder, 'bench.db');
    let started = performance.now();
    const store = await generateSyntheticStore(storePath);
    const generationMs = performance.now() - started;
    console.error(`bench build: synthetic store ready in ${seconds(generationMs)}`);

    const wirefold: ChildFigures[] = [];
    const wirefoldCounts: Counts[] = [];
    const bare: ChildFigures[] = [];
    let pages = 0;
    let feeds = 0;
    let home = Buffer.alloc(0);
    let searchIndex: ChildFigures | null = null;
    const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    for (let round = 0; round < rounds; round++) {
      const out = join(folder, `site-${round}`);
      settle();
      wirefold.push(await measureNode(
        [...profile, ...buildArgs(storePath, out)], env, folder));
      wirefoldCounts.push(await lastBuildCounts(storePath));
      pages = countFiles(out, (name) => name.endsWith('.html'));
      // Once: the search indexer alone on the very pages Wirefold built, to show its share of the build.
      if (round === 0) {
        searchIndex = await measureNode([pagefindCli, '--site', out, '--output-path', join(folder, 'search-probe'), '--force-language', 'en', '--silent'],
          process.env, folder);
        rmSync(join(folder, 'search-probe'), { recursive: true, force: true });
      }
      feeds = countFiles(out, (name) => /(rss|atom)\.xml$|feed\.json$|\.opml$/.test(name));
      home = readFileSync(join(out, 'index.html'));
      if (round < rounds - 1) rmSync(out, { recursive: true, force: true });
      console.error(`bench build: round ${round + 1}/${rounds}: Wirefold ${seconds(wirefold.at(-1)!.ms)} for ${pages} pages`);

      const bareOut = join(folder, `bare-${round}`);
      settle();
      bare.push(await measureNode([here('./bare-build.ts')],
        { ...process.env, BENCH_BARE_PAGES: String(pages), BENCH_BARE_OUT: bareOut, BENCH_BARE_CACHE: join(folder, 'bare-cache') }, folder));
      const barePages = countFiles(bareOut, (name) => name.endsWith('.html'));
      if (barePages !== pages) throw new Error(`the bare build wrote ${barePages} pages, not ${pages}`);
      rmSync(bareOut, { recursive: true, force: true });
      console.error(`bench build: round ${round + 1}/${rounds}: bare ${seconds(bare.at(-1)!.ms)}`);
    }

    // The last round's site is the live site each incremental round starts from (copies of it and of the store).
    const liveSite = join(folder, `site-${rounds - 1}`);
    const incremental: ChildFigures[] = [];
    const incrementalCounts: Counts[] = [];
    const upToDate: ChildFigures[] = [];
    const upToDateCounts: Counts[] = [];
    for (let round = 0; round < rounds; round++) {
      const roundStore = join(folder, `changed-${round}.db`);
      const roundSite = join(folder, `changed-site-${round}`);
      copyFileSync(storePath, roundStore);
      await addSyntheticStories(roundStore, TARGET.changedStories, 1000 + round);
      cpSync(liveSite, roundSite, { recursive: true });
      // What each build did comes from its own run record: an untimed probe build before the timed ones (as this bench
      // had) copied and deleted another whole site just before the first timed build, whose writes and deletes that
      // build then paid for, and told nothing about the timed builds themselves.
      settle();
      incremental.push(await measureNode([...profile, ...buildArgs(roundStore, roundSite)], env, folder));
      incrementalCounts.push(await lastBuildCounts(roundStore));
      settle();
      upToDate.push(await measureNode(buildArgs(roundStore, roundSite), env, folder));
      upToDateCounts.push(await lastBuildCounts(roundStore));
      console.error(`bench build: round ${round + 1}/${rounds}: after ${TARGET.changedStories} new stories ${seconds(incremental.at(-1)!.ms)}, ` +
        `then nothing new ${seconds(upToDate.at(-1)!.ms)}`);
      rmSync(roundSite, { recursive: true, force: true });
      rmSync(roundStore, { force: true });
    }

    const wirefoldMs = median(wirefold.map((figures) => figures.ms));
    const incrementalMs = median(incremental.map((figures) => figures.ms));
    const bareMs = median(bare.map((figures) => figures.ms));
    const ratio = wirefoldMs / bareMs;
    const homeGzipKb = gzipSync(home).length / 1024;
    const list = (figures: ChildFigures[]) => figures.map((figure) => (figure.ms / 1000).toFixed(1)).join(', ');
    const cpu = (figures: ChildFigures[]) => figures[0]!.cpuS === null ? 'n/a' : `${median(figures.map((figure) => figure.cpuS!)).toFixed(1)} s CPU`;
    const peak = (figures: ChildFigures[]) => figures[0]!.peakRssMb === null
      ? 'n/a (no /usr/bin/time)' : `${Math.max(...figures.map((figure) => figure.peakRssMb!)).toFixed(0)} MB`;
    // What the builds did, from their run records: "453 files rendered, 5,593 kept, 5,453 pages" (a range where rounds differ).
    const did = (counts: readonly Counts[]) => (['rendered', 'kept', 'pages'] as const).map((key) => {
      const values = [...new Set(counts.map((count) => count[key] ?? Number.NaN))].sort((a, b) => a - b);
      return `${values.map((value) => value.toLocaleString('en')).join('-')} ${key === 'pages' ? 'pages' : `files ${key}`}`;
    }).join(', ');
    const row = (measure: string, value: string): BenchRow => ({ benchmark: 'build', measure, value });
    return [
      row('synthetic store', `${store.stories} stories, ${store.articles} articles, ${store.topics} topics, ${store.outlets} outlets, ` +
        `${store.topicLinks} topic links, ${store.relatedLinks} related links over ${benchShape.days} days (written in ${seconds(generationMs)})`),
      row('pages', `${pages} HTML pages (and ${feeds} feed files), the bare build renders as many`),
      row(`Wirefold build, median of ${rounds}`, `${seconds(wirefoldMs)} (${list(wirefold)}); ${cpu(wirefold)}; ` +
        `${(wirefoldMs / 1000 / TARGET.seconds * 100).toFixed(0)} % of the ${TARGET.seconds} s target`),
      row(`bare Astro build, median of ${rounds}`, `${seconds(bareMs)} (${list(bare)}); ${cpu(bare)}`),
      row('of which search index', searchIndex ? `Pagefind alone on the same pages: ${seconds(searchIndex.ms)}; ` +
        `${cpu([searchIndex])}; peak ${peak([searchIndex])} (Wirefold's build runs it after Astro)` : 'n/a'),
      row('full build: where the time goes', phaseMedians(wirefold, wirefoldCounts)),
      row('ratio Wirefold / bare', `${ratio.toFixed(2)}× (target ≤ ${TARGET.ratio}×)`),
      row('per page', `Wirefold ${(wirefoldMs / pages).toFixed(2)} ms, bare ${(bareMs / pages).toFixed(2)} ms`),
      row(`after ${TARGET.changedStories} new stories, median of ${rounds}`, `${seconds(incrementalMs)} (${list(incremental)}); ${cpu(incremental)}; ` +
        `peak ${peak(incremental)}; ${did(incrementalCounts)}`),
      row('incremental build: where the time goes', phaseMedians(incremental, incrementalCounts)),
      row('ratio incremental / full', `${(incrementalMs / wirefoldMs).toFixed(2)} by wall time (target ≤ ${TARGET.incrementalShare}), ` +
        `${(median(incremental.map((figure) => figure.cpuS ?? Number.NaN)) / median(wirefold.map((figure) => figure.cpuS ?? Number.NaN))).toFixed(2)} by CPU`),
      row(`nothing new, median of ${rounds}`, `${seconds(median(upToDate.map((figures) => figures.ms)))}; ${cpu(upToDate)}; peak ${peak(upToDate)}; ` +
        `${upToDateCounts.every((count) => count['upToDate'] === 1) ? 'site found up to date every time' : `NOT up to date: ${did(upToDateCounts)}`}`),
      row('home page', `${homeGzipKb.toFixed(1)} KB gzipped, ${(home.length / 1024).toFixed(0)} KB raw (target ≤ ${TARGET.homeGzipKb} KB gzipped)`),
      row('peak RSS', `Wirefold ${peak(wirefold)}, bare ${peak(bare)} (largest process of each build)`),
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
