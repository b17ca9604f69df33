// Whether another process still runs, for the two places that leave a mark with a pid in it: the store's writer lock
// (src/store/writer-lock.ts) and a build's fresh site folder (src/site/site-swap.ts); and a process's children, for a
// stopped build that must end the one it started (src/site/search-index.ts).
import { readdirSync, readFileSync } from 'node:fs';

/**
 * True while the process `pid` runs on this machine. A killed process that nobody has reaped yet still answers
 * kill(0); Linux shows it as a zombie (state Z in /proc/<pid>/stat), and it counts as gone. Without /proc, kill(0) decides.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * True while the process that was `pid` when it recorded `startedAt` (processStart's value then) still runs: its pid is
 * running and, where the start can be read, is not a later process that reuses the pid (a container's pid 1 after a
 * restart, say). Without a recorded start, isRunning decides.
 */
export function isSameProcessRunning(pid: number, startedAt: string | null | undefined): boolean {
  if (!isRunning(pid)) return false;
  if (startedAt === null || startedAt === undefined) return true;
  const started = processStart(pid);
  return started === null || started === startedAt;
}

/**
 * When the process `pid` started, ISO-8601 to the second, or null where /proc is missing: with the pid it tells a live
 * process from a later one that reuses its pid. Field 22 of /proc/<pid>/stat is the start in clock ticks after boot.
 * Read by hand because no maintained npm package does only this.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux that Node runs on; the start is kept to the second, which is all it must tell.
    return new Date((bootTime + Math.floor(ticks / 100)) * 1000).toISOString();
  } catch {
    return null;
  }
}

/**
 * The children of the process `pid` (every thread's, from /proc/<pid>/task/<tid>/children) with their command lines
 * (arguments joined by spaces); empty where /proc is missing or pid is gone. Read by hand, as processStart is: the npm
 * packages that list children (ps-tree, pidtree) run `ps` in a child process of their own.
 */
export function childProcesses(pid: number): { pid: number; command: string }[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
      .flatMap((child) => {
        try {
          return [{ pid: child, command: readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() }];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}
