// Worker entry for related-thread.ts: reads the candidate stories from its own read-only connection, computes the
// related lists and hands them back, then raises the flag the main thread waits on.
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { openStore } from '../../store/store.ts';
import { relatedFromStore } from './related-thread.ts';
import type { RelatedJob } from './related-thread.ts';

const { port, done, ...job } = workerData as RelatedJob & { port: MessagePort; done: Int32Array };
try {
  const store = await openStore(job.path, { readOnly: true });
  const lists = await relatedFromStore(store, job);
  await store.close();
  port.postMessage({ lists: [...lists] });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
