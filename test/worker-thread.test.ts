// Worker threads (src/worker-thread.ts), real ones: a thread started through worker-entry.mjs runs its TypeScript
// module with Node's compile cache on, and firstAnswer resolves with the thread's message, or at once with undefined
// when the thread dies without one, or once its patience runs out; it never rejects.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { firstAnswer, startWorkerThread } from '../src/worker-thread.ts';
import { tempFolder } from './helpers.ts';

const evalWorker = (code: string) => new Worker(code, { eval: true });

describe('startWorkerThread', () => {
  it('runs a TypeScript module with the compile cache on in its thread', async () => {
    const module = join(tempFolder(), 'probe.ts');
    writeFileSync(module, `import { parentPort } from 'node:worker_threads';
import { getCompileCacheDir } from 'node:module';
const cache: string | undefined = getCompileCacheDir();
parentPort!.postMessage({ cache, argv: process.argv.slice(2) });
`);
    const url = pathToFileURL(module);
    const answer = await firstAnswer<{ cache?: string; argv: string[] }>(startWorkerThread(url), 30_000);
    expect(answer?.cache).toEqual(expect.any(String));
    expect(answer?.argv).toEqual([url.href]);
  });
});

describe('firstAnswer', () => {
  it('gives the first message', async () => {
    expect(await firstAnswer(evalWorker(`require('node:worker_threads').parentPort.postMessage({ lists: 3 })`))).toEqual({ lists: 3 });
  });

  it('gives undefined at once when the thread throws before answering, however long its patience', async () => {
    const started = performance.now();
    expect(await firstAnswer(evalWorker(`throw new Error('broken at load')`), 300_000)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('gives undefined when the thread exits without a word', async () => {
    expect(await firstAnswer(evalWorker(`process.exit(0)`))).toBeUndefined();
  });

  it('gives undefined once its patience runs out', async () => {
    const worker = evalWorker(`setInterval(() => {}, 1000)`);
    expect(await firstAnswer(worker, 200)).toBeUndefined();
    await worker.terminate();
  });
});
