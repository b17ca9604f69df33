// Related lists on a second thread. A large run (a first import) changes thousands of stories, and comparing each
// with its candidates takes seconds that need nothing the topic stage writes: the lists are computed beside the
// topics and collected afterwards. The worker reads the store through its own read-only connection; the main thread
// writes the lists, so the store keeps one writer.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { StoryProfile } from '../store/story-profiles.ts';
import type { RelatedEntry, RelatedScale } from './related.ts';

export interface RelatedJob {
  path: string;
  modelId: string;
  since: string;
  changed: readonly StoryProfile[];
  scale: RelatedScale;
}

/** The longest the main thread waits for the lists before computing them itself. */
const patienceMs = 300_000;

/**
 * Starts the job and returns a function that waits for its lists; `fallback` computes them on this thread if the
 * worker fails or never answers.
 */
export function relatedOnThread(job: RelatedJob, fallback: () => Map<string, RelatedEntry[]>): () => Map<string, RelatedEntry[]> {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./related-worker.ts', import.meta.url), { workerData: { ...job, port: port2, done }, transferList: [port2] });
  } catch {
    port1.close();
    return fallback;
  }
  return () => {
    Atomics.wait(done, 0, 0, patienceMs);
    const reply = receiveMessageOnPort(port1)?.message as { lists?: [string, RelatedEntry[]][]; error?: string } | undefined;
    port1.close();
    void worker.terminate();
    return reply?.lists ? new Map(reply.lists) : fallback();
  };
}
