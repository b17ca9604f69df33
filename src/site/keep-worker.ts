// Worker entry for keep-thread.ts: keeps the live site's unchanged files in the fresh folder and answers with the
// count, or with the error's message and code.
import { parentPort, workerData } from 'node:worker_threads';
import { keepFiles } from './reuse-files.ts';

const { liveDir, freshDir, files } = workerData as { liveDir: string; freshDir: string; files: string[] };
try {
  parentPort!.postMessage({ kept: keepFiles(liveDir, freshDir, files) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error), code: (error as NodeJS.ErrnoException).code });
}
