// A past commit of this repository, checked out beside this tree for a benchmark to measure side by side: a target
// stated against older code ("30 % under the CPU before X") is judged by running that code in the same run, never by a
// figure recorded on another day, since this machine's speed moves by up to 30 % within an hour.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('..', import.meta.url));

export interface BaselineCheckout {
  /** The checkout's root folder. */
  path: string;
  /** Removes the checkout (and git's record of it). */
  remove(): void;
}

/**
 * Checks `commit` out (detached, `git worktree add`) into a temporary folder, with this tree's node_modules linked into
 * it: the commits a benchmark names use the same packages. Returns `{ reason }` instead where that cannot be done
 * (no git, a shallow clone without the commit): the caller then says the target is not judged.
 */
export function checkOutBaseline(commit: string): BaselineCheckout | { reason: string } {
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-baseline-'));
  const path = join(folder, 'tree');
  const git = (...args: string[]) => execFileSync('git', ['-C', repository, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    git('worktree', 'add', '--detach', path, commit);
    symlinkSync(join(repository, 'node_modules'), join(path, 'node_modules'), 'dir');
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n')[0];
    return { reason: `cannot check out ${commit}: ${stderr}` };
  }
  return {
    path,
    remove() {
      rmSync(folder, { recursive: true, force: true });
      git('worktree', 'prune');
    },
  };
}
