// Parses fetched feeds off the main thread, each within a time budget, so that one feed that is slow to read (10 MB of
// hostile markup can take minutes) neither stalls the run nor starves the other feeds' downloads of the event loop.
/*
 * One worker, reused: parsing was one feed at a time on the main thread before, so one worker keeps the same CPU use
 * and memory, and the cost of starting a worker and loading the parser is paid once per run, not per feed. A feed over
 * its budget cannot be interrupted inside synchronous code, so its worker is terminated and a fresh one started for
 * the feeds still waiting.
 */
import { Worker } from 'node:worker_threads';
import { FeedParseError } from './types.ts';
import type { ParsedFeed, ParseOptions } from './types.ts';
import type { ParseAnswer, ParseJob } from './parse-worker.ts';

/** A feed whose reading passed its budget; the message is one line for the feed's health. */
export class ParseBudgetError extends Error {
  override name = 'ParseBudgetError';
}

export class FeedReader {
  readonly #budgetMs: number;
  #worker: Promise<Worker> | null = null;
  /** Jobs run one after another; this is the end of the queue. */
  #queue: Promise<unknown> = Promise.resolve();

  /** budgetMs: how long one feed may take to parse, counted from when the worker starts on it. */
  constructor(budgetMs: number) {
    this.#budgetMs = budgetMs;
  }

  /** Resolves with the parsed feed; rejects with FeedParseError (unreadable) or ParseBudgetError (too slow). */
  parse(bytes: Uint8Array, options: ParseOptions): Promise<ParsedFeed> {
    const job = this.#queue.then(() => this.#run({ bytes, options }));
    this.#queue = job.catch(() => {});
    return job;
  }

  /** Ends the worker; call once the run's feeds are parsed. */
  async close(): Promise<void> {
    await this.#queue;
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await (await worker).terminate();
  }

  async #run(job: ParseJob): Promise<ParsedFeed> {
    let worker: Worker;
    try {
      worker = await (this.#worker ??= startWorker());
    } catch (error) {
      this.#worker = null; // try a fresh worker for the next feed
      throw error;
    }
    return new Promise<ParsedFeed>((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.off('message', answered);
        worker.off('error', failed);
        this.#worker = null;
        void worker.terminate();
        reject(new ParseBudgetError(`took longer than ${seconds(this.#budgetMs)} to read; skipped this run`));
      }, this.#budgetMs);
      const answered = (answer: ParseAnswer) => {
        clearTimeout(timer);
        worker.off('error', failed);
        if (answer.kind === 'parsed') resolve(answer.feed);
        else if (answer.kind === 'unreadable') reject(new FeedParseError(answer.message));
        else reject(new Error(answer.kind === 'crashed' ? answer.message : 'the parser worker answered out of turn'));
      };
      const failed = (error: Error) => {
        // The worker itself died (out of memory, say): the next feed gets a fresh one.
        clearTimeout(timer);
        worker.off('message', answered);
        this.#worker = null;
        reject(error);
      };
      worker.once('message', answered);
      worker.once('error', failed);
      worker.postMessage(job);
    });
  }
}

/** A worker that has loaded the parser, so the budget never pays for the start. */
function startWorker(): Promise<Worker> {
  const worker = new Worker(new URL('./parse-worker.ts', import.meta.url));
  return new Promise<Worker>((resolve, reject) => {
    worker.once('message', () => {
      worker.off('error', reject);
      resolve(worker);
    });
    worker.once('error', reject);
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
