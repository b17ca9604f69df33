// Keeping the live site's unchanged files (reuse-files.ts keepFiles) on a second thread, while Astro starts, bundles
// and renders on this one. After 50 new stories on bench/build's store an incremental build keeps about 5,600 files,
// a link and often a folder each: 0.4-1.3 s of file-system calls on this machine's disk, which the build used to wait
// for between rendering and indexing. Running them beside Astro is safe because the two write disjoint files: the page
// plan (build-site.ts planIncremental) keeps exactly the pages it does not hand Astro to render, and Astro neither
// empties its out dir (emptyOutDir: false) nor removes folders from it in a static build.
import type { Worker } from 'node:worker_threads';
import { firstAnswer, startWorkerThread } from '../worker-thread.ts';
import { keepFiles } from './reuse-files.ts';

export interface KeptFiles {
  /**
   * Resolves to the number of files kept once the thread is done; rejects with its error (message and code, as
   * keepFiles threw it), or once stop() was called.
   */
  done(): Promise<number>;
  /**
   * Ends the thread and resolves once nothing of this can make a further file-system call (done() keeps nothing after
   * it): for a build that failed or was stopped, before its folder is deleted, so that no link recreates a folder in it.
   */
  stop(): Promise<void>;
}

/**
 * Starts keepFiles(liveDir, freshDir, files) on a worker thread (paths as keepFiles takes them). If the thread cannot
 * start or dies without an answer, the files are kept on this thread when done() is called.
 */
export function keepFilesBeside(liveDir: string, freshDir: string, files: readonly string[]): KeptFiles {
  let worker: Worker | null = null;
  try {
    worker = startWorkerThread(new URL('./keep-worker.ts', import.meta.url), { workerData: { liveDir, freshDir, files } });
  } catch {
    // No thread: done() keeps the files here.
  }
  const answer = worker ? firstAnswer<{ kept?: number; error?: string; code?: string }>(worker) : Promise.resolve(undefined);
  let stopped = false;
  return {
    async done() {
      const reply = await answer;
      if (stopped) throw new Error('keeping the live site\'s files: stopped');
      if (reply?.error !== undefined) throw Object.assign(new Error(reply.error), { code: reply.code });
      // No thread, or one that died without an answer: links already made are found again (EEXIST) and skipped.
      return reply?.kept ?? keepFiles(liveDir, freshDir, files);
    },
    async stop() {
      stopped = true;
      await worker?.terminate();
    },
  };
}
