// Shared by the benchmarks that time whole `wirefold` commands: each runs in a child process under /usr/bin/time, so its
// wall time includes starting Node, and its CPU time and peak RSS are the command's own (the largest process of its
// tree for the RSS, e.g. a search indexer).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildFigures {
  ms: number;
  cpuS: number | null;
  peakRssMb: number | null;
}

const timeBinary = '/usr/bin/time';
const childTimeoutMs = 15 * 60_000;

/**
 * Runs node with args in a child process; wall time from here, CPU (user + system, seconds) and peak RSS (MB) from
 * /usr/bin/time when present (null otherwise). scratch is a folder for /usr/bin/time's report. Rejects when the child
 * fails, with the tail of its stderr.
 */
export function measureNode(args: string[], env: NodeJS.ProcessEnv, scratch: string): Promise<ChildFigures> {
  const timed = existsSync(timeBinary);
  const report = join(scratch, `time-${process.hrtime.bigint()}.txt`);
  const [command, commandArgs] = timed
    ? [timeBinary, ['-f', '%M %U %S', '-o', report, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    const timer = setTimeout(() => child.kill(), childTimeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} failed (${signal ?? code}):\n${stderr}`));
      if (!timed) return resolve({ ms, cpuS: null, peakRssMb: null });
      const [maxRssKb, user, system] = readFileSync(report, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
      resolve({ ms, cpuS: user! + system!, peakRssMb: maxRssKb! / 1024 });
    });
  });
}

/** The standard output of node with args, run in a child process (without blocking this one's event loop). */
export async function nodeOutput(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return (await promisify(execFile)(process.execPath, args, { env, encoding: 'utf8', timeout: childTimeoutMs })).stdout;
}

/** The median; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One benchmark line that puts a target beside its measured median: "<median> (target ≤ <target>; ratio <r>)". */
export function againstTarget(measured: number, target: number, unit: string, digits = 2): string {
  return `${measured.toFixed(digits)} ${unit} (target ≤ ${target} ${unit}; ${(measured / target).toFixed(2)} of it)`;
}

/** The next message from child that passes accept, or an error if it exits or time runs out first. */
export function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (message: unknown) => {
      if (accept(message)) finish(null, message as T);
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`${what}: exited (${signal ?? code}) before answering`));
    const finish = (error: Error | null, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A message filter for nextMessage: messages whose `type` is this. */
export const isType = (type: string) => (message: unknown) => (message as { type?: string } | null)?.type === type;
