// Wirefold's worker threads (the parse pool, the related lists, the keep thread) start through worker-entry.mjs, which
// turns on Node's compile cache for the thread before it loads the thread's module. The cache is per thread: the main
// thread's (scripts/wirefold.mjs) does not reach a worker, which otherwise parses every module afresh and strips the
// types of every .ts module again, loading Node's TypeScript stripper to do so. Measured on a parse worker reading one
// sample feed (warm cache, 3 runs each): 60 MB more RSS and 0.32-0.33 s of CPU, against 86 MB and 0.51-0.56 s.
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running `module` (the file URL of a .ts or .js module, as `new URL('./x.ts', import.meta.url)`
 * gives it), with `options` as Worker takes them; the thread's process.argv carries the module's URL. Throws as the
 * Worker constructor does.
 */
export function startWorkerThread(module: URL, options: Omit<WorkerOptions, 'argv'> = {}): Worker {
  return new Worker(new URL('./worker-entry.mjs', import.meta.url), { ...options, argv: [module.href] });
}

/**
 * The first message `worker` posts, or undefined when it fails (an 'error': a throw, a module that does not load, out
 * of memory), exits without one, or has not answered within patienceMs (default: no limit). Never rejects. Awaited,
 * not waited for with Atomics.wait: a thread that dies before it can raise a flag would leave the waiter blocked for
 * the whole patience, and a blocked thread runs no signal handler.
 */
export function firstAnswer<T>(worker: Worker, patienceMs = Number.POSITIVE_INFINITY): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(patienceMs) ? setTimeout(() => settle(undefined), patienceMs) : undefined;
    function settle(answer: T | undefined): void {
      clearTimeout(timer);
      resolve(answer);
    }
    worker.once('message', (message: T) => settle(message));
    worker.once('error', () => settle(undefined));
    worker.once('exit', () => settle(undefined));
  });
}
