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
 * (no git, a shallow clone without the commit, as CI's clones of depth 1 are): the caller then says the target is not
 * judged. The checkout is removed by remove(), or when the process exits, SIGINT and SIGTERM included.
 */
export function checkOutBaseline(commit: string): BaselineCheckout | { reason: string } {
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-bench-baseline-'));
  const path = join(folder, 'tree');
  const git = (...args: string[]) => execFileSync('git', ['-C', repository, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let added = false;
  const remove = () => {
    process.off('exit', remove);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Only this checkout's record: `git worktree prune` would also drop the user's other stale worktrees.
    if (added) {
      try {
        git('worktree', 'remove', '--force', path);
      } catch {
        // already gone: the folder is removed below all the same
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };
  const stop = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  process.on('exit', remove);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    git('worktree', 'add', '--detach', path, commit);
    added = true;
    symlinkSync(join(repository, 'node_modules'), join(path, 'node_modules'), 'dir');
  } catch (error) {
    remove();
    const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n')[0];
    return { reason: `cannot check out ${commit}: ${stderr}` };
  }
  return { path, remove };
}
