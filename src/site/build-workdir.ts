// The private working folder a build runs Astro from (build-site.ts renderSite says why it needs one), under the
// project's .astro/. Its name carries the builder's pid, so that a build removes the folders of builds that are gone
// (killed), and a build that exits before its render returns (stopped by a signal) removes its own on the way out.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../processes.ts';

const namePattern = /^build-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Creates `<parent>/build-<pid>-XXXXXX` (parent: the project's .astro folder, created when missing), after removing
 * the folders of that form whose builder no longer runs. Returns the folder and the function that removes it; until
 * that is called, the folder is removed when the process exits (an 'exit' listener: synchronous, after the last
 * JavaScript, so nothing of this build can write into it again).
 */
export function createBuildWorkdir(parent: string): { path: string; remove: () => void } {
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    const builder = namePattern.exec(name)?.[1];
    if (builder && !isRunning(Number(builder))) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const path = mkdtempSync(join(parent, `build-${process.pid}-`));
  const remove = () => {
    process.off('exit', remove);
    rmSync(path, { recursive: true, force: true });
  };
  process.on('exit', remove);
  return { path, remove };
}
