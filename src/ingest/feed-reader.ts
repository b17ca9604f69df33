// Parses fetched feeds off the main thread, each within a time budget, so that one feed that is slow to read (10 MB of
// hostile markup can take minutes) neither stalls the run nor starves the other feeds' downloads of the event loop.
/*
 * A small pool of reused workers (two on a 2-core machine), so parsing and sanitizing use every core while the main
 * thread fetches and writes the store. Each worker is started only when a feed waits for it (`feeds parse` of one feed
 * starts one), loads the parser once and keeps it for the run. A feed over its budget cannot be interrupted inside
 * synchronous code, so its worker is terminated and a fresh one takes its place for the feeds still waiting; a worker
 * that dies (out of memory, say) fails its own feed only, the same way.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import { FeedParseError } from './types.ts';
import type { ParsedFeed, ParseOptions } from './types.ts';
import type { ParseAnswer, ParseJob } from './parse-worker.ts';

/** A feed whose reading passed its budget; the message is one line for the feed's health. */
export class ParseBudgetError extends Error {
  override name = 'ParseBudgetError';
}

/**
 * How many parse workers a run uses: one per core, at most 4, so the main thread (fetching, storing) shares the
 * cores with them. On 2 cores that is 2 workers beside the main thread: the main thread waits on the network and
 * the store's disk much of the time, and bench/ingest measured 2 workers faster than 1 (see the README's ingest speed).
 */
export function defaultParseWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface FeedReaderOptions {
  /** How many workers at most (default: defaultParseWorkers()). */
  workers?: number;
  /** Heap limits of each worker (see Worker's resourceLimits); a feed that needs more fails alone, its worker replaced. */
  resourceLimits?: ResourceLimits;
}

interface Waiting {
  job: ParseJob;
  resolve: (feed: ParsedFeed) => void;
  reject: (error: Error) => void;
}

/** One worker of the pool: started lazily, replaced after a budget overrun or a crash. */
interface Slot {
  worker: Promise<Worker> | null;
  busy: boolean;
}

export class FeedReader {
  readonly #budgetMs: number;
  readonly #options: FeedReaderOptions;
  readonly #slots: Slot[];
  readonly #waiting: Waiting[] = [];
  #idle: (() => void)[] = [];

  /** budgetMs: how long one feed may take to parse, counted from when a worker starts on it. */
  constructor(budgetMs: number, options: FeedReaderOptions = {}) {
    this.#budgetMs = budgetMs;
    this.#options = options;
    const workers = Math.max(1, Math.floor(options.workers ?? defaultParseWorkers()));
    this.#slots = Array.from({ length: workers }, () => ({ worker: null, busy: false }));
  }

  /** Resolves with the parsed feed; rejects with FeedParseError (unreadable) or ParseBudgetError (too slow). */
  parse(bytes: Uint8Array, options: ParseOptions): Promise<ParsedFeed> {
    return new Promise<ParsedFeed>((resolve, reject) => {
      this.#waiting.push({ job: { bytes, options }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Ends the workers once every feed handed to parse is answered; call once the run's feeds are parsed. */
  async close(): Promise<void> {
    while (this.#waiting.length > 0 || this.#slots.some((slot) => slot.busy)) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    const workers = this.#slots.map((slot) => slot.worker);
    for (const slot of this.#slots) slot.worker = null;
    await Promise.all(workers.map(async (worker) => {
      if (!worker) return;
      try {
        await (await worker).terminate();
      } catch {
        // A worker that failed to start has nothing to end.
      }
    }));
  }

  /** Hands waiting feeds to free workers, the already started ones first. */
  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const free = this.#slots.filter((slot) => !slot.busy);
      const slot = free.find((candidate) => candidate.worker !== null) ?? free[0];
      if (!slot) return;
      const waiting = this.#waiting.shift()!;
      slot.busy = true;
      this.#run(slot, waiting.job).then(waiting.resolve, waiting.reject).finally(() => {
        slot.busy = false;
        this.#dispatch();
        if (this.#waiting.length === 0 && !this.#slots.some((other) => other.busy)) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      });
    }
  }

  async #run(slot: Slot, job: ParseJob): Promise<ParsedFeed> {
    let worker: Worker;
    try {
      worker = await (slot.worker ??= startWorker(slot, this.#options.resourceLimits));
    } catch (error) {
      slot.worker = null; // try a fresh worker for the next feed
      throw error;
    }
    return new Promise<ParsedFeed>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off('message', answered);
        worker.off('error', failed);
        worker.off('exit', exited);
      };
      const timer = setTimeout(() => {
        settle();
        slot.worker = null;
        void worker.terminate();
        reject(new ParseBudgetError(`took longer than ${seconds(this.#budgetMs)} to read; skipped this run`));
      }, this.#budgetMs);
      const answered = (answer: ParseAnswer) => {
        settle();
        if (answer.kind === 'parsed') resolve(answer.feed);
        else if (answer.kind === 'unreadable') reject(new FeedParseError(answer.message));
        else reject(new Error(answer.kind === 'crashed' ? answer.message : 'the parser worker answered out of turn'));
      };
      // The worker itself died (out of memory, say) or left: this feed fails, the next one gets a fresh worker.
      const failed = (error: Error) => {
        settle();
        slot.worker = null;
        reject(new Error(`the parser stopped: ${oneLine(error)}`));
      };
      const exited = (code: number) => failed(new Error(`its thread exited (code ${code})`));
      worker.on('message', answered);
      worker.on('error', failed);
      worker.on('exit', exited);
      worker.postMessage(job);
    });
  }
}

/**
 * A worker that has loaded the parser, so the budget never pays for the start. Should it die between feeds, its slot
 * forgets it (the next feed starts a fresh one) instead of its error ending the process.
 */
function startWorker(slot: Slot, resourceLimits: ResourceLimits | undefined): Promise<Worker> {
  const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), resourceLimits ? { resourceLimits } : {});
  const started = new Promise<Worker>((resolve, reject) => {
    worker.once('message', () => {
      worker.off('error', reject);
      resolve(worker);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parser thread exited (code ${code}) before it was ready`)));
  });
  worker.on('error', () => {}); // reported to the feed being parsed, if any (see #run)
  worker.once('exit', () => {
    if (slot.worker === started) slot.worker = null;
  });
  return started;
}

function oneLine(error: Error): string {
  return (error.message || String(error)).split('\n')[0]!.trim();
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
