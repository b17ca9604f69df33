// Worker entry for related-thread.ts: reads the candidate stories from its own read-only connection, computes the
// related lists and hands them back (or the error's message).
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../store/store.ts';
import { relatedFromStore } from './related-thread.ts';
import type { RelatedJob } from './related-thread.ts';

const job = workerData as RelatedJob;
try {
  const store = await openStore(job.path, { readOnly: true });
  const lists = await relatedFromStore(store, job);
  await store.close();
  parentPort!.postMessage({ lists: [...lists] });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
