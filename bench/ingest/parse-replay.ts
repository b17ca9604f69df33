// The parse worker's share of bench/ingest's first run, alone: parseFeed over the 2,000 bench feeds (timed; then again,
// untimed, for their outputs) and over every feed file of test/ingest/fixtures, ../shared/cases/ingest and
// content/samples (untimed), in a fresh process per side, at one fixed "now". No network, no worker thread and no
// store, so its CPU time varies far less than the whole run's.
// `node bench/ingest/parse-replay.ts [baseline-checkout] [rounds]`: with a baseline (say /work/main), that checkout's
// parseFeed runs beside this tree's, sides alternating within each round, and the two outputs of the last round are
// compared feed by feed (parseFeed's result as JSON, or its error's message): a change meant to make parsing cheaper
// must leave every one as it was. Prints medians; exits 1 on any feed whose output differs.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isType, median, nextMessage } from '../child-figures.ts';
import { loadavg } from 'node:os';

const FEEDS = 2000;
const ITEMS = 25;
const NOW = new Date('2026-12-01T00:00:00.000Z');
const here = fileURLToPath(import.meta.url);
const thisTree = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const feedFolders = [join(thisTree, 'test/ingest/fixtures'), resolve(thisTree, '../shared/cases/ingest'), join(thisTree, 'content/samples')];

interface Parsed {
  type: 'parsed';
  cpuMs: number;
}

/** Every file below dir (none when it does not exist), as absolute paths, sorted. */
function filesBelow(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesBelow(join(dir, name)) : [join(dir, name)]));
}

/** In the child: parses every feed with `checkout`'s parseFeed, writes the outputs to `outPath` and answers with the bench feeds' CPU time. */
async function parseAll(checkout: string, outPath: string): Promise<Parsed> {
  const { parseFeed } = await import(join(checkout, 'src/ingest/parse.ts'));
  const { generateFeed } = await import('./feeds.ts');
  const outputs: Record<string, unknown> = {};
  const parse = (name: string, bytes: Uint8Array) => {
    try {
      outputs[name] = parseFeed(bytes, { url: `https://feeds.example/${name}`, contentType: null, now: NOW });
    } catch (error) {
      outputs[name] = `error: ${(error as Error).message}`;
    }
  };
  const bodies = Array.from({ length: FEEDS }, (_, index) => Buffer.from(generateFeed(index, ITEMS).body));
  // Timed as the worker parses: each result dropped once made (a heap holding 2,000 results costs the collector more).
  const cpu = process.cpuUsage();
  for (const body of bodies) {
    try {
      parseFeed(body, { url: 'https://feeds.example/bench', contentType: null, now: NOW });
    } catch {
      // compared below
    }
  }
  const used = process.cpuUsage(cpu);
  bodies.forEach((body, index) => parse(`bench-${index}`, body));
  for (const file of feedFolders.flatMap(filesBelow)) parse(relative(resolve(thisTree, '..'), file), readFileSync(file));
  writeFileSync(outPath, JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, JSON.stringify(output)]))));
  return { type: 'parsed', cpuMs: (used.user + used.system) / 1000 };
}

/** Runs parseAll for a checkout in a fresh Node process. */
async function parseInChild(checkout: string, outPath: string): Promise<Parsed> {
  const child = fork(here, ['--child', checkout, outPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return nextMessage<Parsed>(child, isType('parsed'), 600_000, `parse replay of ${checkout}`);
}

async function main(): Promise<void> {
  const baseline = process.argv[2] && !/^\d+$/.test(process.argv[2]) ? resolve(process.argv[2]) : null;
  const rounds = Number(process.argv.find((arg, index) => index >= 2 && /^\d+$/.test(arg)) ?? 3);
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-parse-replay-'));
  const load = loadavg()[0]!;
  try {
    const sides = [...(baseline ? [{ name: `baseline ${baseline}`, checkout: baseline }] : []), { name: 'this tree', checkout: thisTree }];
    const cpu = new Map<string, number[]>(sides.map((side) => [side.name, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const side of sides) {
        const result = await parseInChild(side.checkout, join(folder, `${sides.indexOf(side)}.json`));
        cpu.get(side.name)!.push(result.cpuMs / 1000);
        console.log(`round ${round}/${rounds}, ${side.name}: ${(result.cpuMs / 1000).toFixed(2)} s CPU for the ${FEEDS} bench feeds`);
      }
    }
    const medians = sides.map((side) => median(cpu.get(side.name)!));
    console.log(`parse replay: ${FEEDS} bench feeds × ${ITEMS} items, ${rounds} round(s); load ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
    sides.forEach((side, index) => console.log(`  ${side.name}: median ${medians[index]!.toFixed(2)} s CPU` +
      (baseline && index === 1 ? ` (${(medians[1]! / medians[0]!).toFixed(2)}× the baseline's)` : '')));
    if (!baseline) return;
    const [first, second] = [0, 1].map((index) => JSON.parse(readFileSync(join(folder, `${index}.json`), 'utf8')) as Record<string, string>);
    const names = [...new Set([...Object.keys(first!), ...Object.keys(second!)])];
    const differing = names.filter((name) => first![name] !== second![name]);
    console.log(`  outputs compared: ${names.length} feeds, ${differing.length} differ${differing.length ? `: ${differing.slice(0, 10).join(', ')}` : ''}`);
    if (differing.length) process.exitCode = 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  process.send!(await parseAll(process.argv[3]!, process.argv[4]!));
  process.disconnect();
} else {
  await main();
}
