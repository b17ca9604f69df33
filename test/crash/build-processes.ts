// Test helpers for real `wirefold build` processes stopped or killed mid-build (test/site/build-safety.test.ts,
// test/crash/build-stop.test.ts): what a site folder holds, and which processes a build left behind, read from /proc.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';
import { filesUnder } from '../demo-site.ts';

/** Every file under dir (dotfiles included) with its contents' hash and mode: what "left untouched" compares. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir, () => true).map((file) => {
    const path = join(dir, file);
    return [file, `${statSync(path).mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`];
  }));
}

/** The private working folders (src/site/build-workdir.ts) that the build with this pid left in the project's .astro/. */
export function buildWorkdirs(pid: number): string[] {
  return readdirSync(join(repoRoot, '.astro')).filter((name) => name.startsWith(`build-${pid}-`));
}

export interface ProcessInfo {
  pid: number;
  state: string;
  /** The process group: a build started as a group leader shares its id with its descendants, orphaned or not. */
  group: number;
  cmdline: string;
}

/** What /proc says about pid, or null when it is gone. */
export function processInfo(pid: number): ProcessInfo | null {
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

/** The running (not zombie) children of pid. */
export function childrenOf(pid: number): ProcessInfo[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean))
      .map((child) => processInfo(Number(child))).filter(alive);
  } catch {
    return [];
  }
}

/**
 * Processes still running that an ended build left behind: its children at the moment it was killed or stopped,
 * anything in its process group (its descendants, even once orphaned), and anything that names testFolder.
 */
export async function leftBehind(build: ProcessInfo, children: ProcessInfo[], testFolder: string): Promise<string[]> {
  const suspects = () => [
    ...children.map((child) => processInfo(child.pid)).filter(alive),
    ...readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map((name) => processInfo(Number(name))).filter(alive)
      .filter((info) => info.group === build.pid || info.cmdline.includes(testFolder)),
  ];
  // Children learn of the kill when their end of a pipe closes: give them a moment.
  for (let attempt = 0; attempt < 40 && suspects().length > 0; attempt++) await sleep(100);
  return suspects().map((info) => `${info.pid} ${info.cmdline}`);
}

/**
 * Runs `wirefold build --images hotlink` of storePath into outDir (its own process group) and sends it `signal` as soon
 * as signalWhen (given the milliseconds since it started and its children) says so; throws if the build ends first.
 * With group, the signal goes to the whole process group, the build's children too, as a terminal's Ctrl-C does.
 * Returns the build, its children at the signal, and how it exited (code, signal) with what it wrote on stderr.
 */
export async function signalBuild(storePath: string, outDir: string, signal: NodeJS.Signals,
  signalWhen: (elapsedMs: number, children: ProcessInfo[]) => boolean, group = false) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'build', '--db', storePath, '--out', outDir, '--images', 'hotlink'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // 'exit', not 'close': a child that outlives the build (the fault looked for) may hold stderr open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, endSignal) => resolve({ code, signal: endSignal })));
  const stderrDone = new Promise((resolve) => child.stderr.once('end', resolve));
  const build = processInfo(child.pid!)!;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the build ended (${child.exitCode}) before the moment to signal it: ${stderr}`);
    const children = childrenOf(child.pid!);
    if (signalWhen(performance.now() - started, children)) {
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
      const exit = await exited;
      await Promise.race([stderrDone, sleep(1000)]);
      return { build, children, ...exit, stderr };
    }
    await sleep(20);
  }
}
