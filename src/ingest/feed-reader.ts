// Parses fetched feeds off the main thread, each within a time budget, so that one feed that is slow to read (10 MB of
// hostile markup can take minutes) neither stalls the run nor starves the other feeds' downloads of the event loop.
/*
 * A small pool of reused workers (one per core beside the main thread's; see defaultParseWorkers), so parsing and
 * sanitizing run on their own cores while the main thread fetches and writes the store. Each worker is started only
 * when a feed waits for it (`feeds parse` of one feed starts one), loads the parser once and keeps it for the run. A feed over its budget cannot be interrupted inside
 * synchronous code, so its worker is terminated and a fresh one takes its place for the feeds still waiting; a worker
 * that dies (out of memory, say) fails its own feed only, the same way.
 * Each worker holds the next feeds while it reads the current one (see queueFeeds): the main thread is often busy for
 * a while (a batch of store writes), and a worker that had to wait for it to hand over the next feed sat idle meanwhile.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { startWorkerThread } from '../worker-thread.ts';
import { errorLine } from '../error-line.ts';
import { FeedParseError } from './types.ts';
import type { ParsedFeed, ParseOptions } from './types.ts';
import type { ParseAnswer, ParseJob } from './parse-worker.ts';

/** A feed whose reading passed its budget; the message is one line for the feed's health. */
export class ParseBudgetError extends Error {
  override name = 'ParseBudgetError';
}

/**
 * How many parse workers a run uses: one per core beside the main thread's (at least 1, at most 4), so on 2 cores
 * one worker parses and sanitizes while the main thread fetches and writes the store, about half the work each. The
 * main thread is the run's critical path, and a second worker on 2 cores shares its core. In bench/ingest on this
 * 2-core machine (busy, side by side, medians of 3) 2 workers finished about as soon as 1 (within noise) but used 13 %
 * more CPU and 90 MB more memory (see docs/ingest.md, "Ingest speed").
 */
export function defaultParseWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
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

/**
 * How far ahead of a worker feeds are handed to it: at most this many feeds, and no more once the bodies it holds
 * reach queueBytes (one feed is always taken, however large). The main thread writes parsed feeds a batch at a time
 * (up to 24 feeds in one transaction, ingest.ts), about 0.2 s in which it hands nothing over; a worker holding only
 * the next feed finished it in a few milliseconds and sat idle the rest of every batch. bench/ingest's first run
 * (2,000 feeds × 25 items, one round each, load 1.5-2.0): wall/CPU 0.81 and 0.81 holding 2 feeds, 0.65 and 0.64
 * holding 16, 0.59 and 0.58 holding 32, 0.58 and 0.55 holding 64 (wall 23.4-24.3 s with 2, 15.3-19.6 s with 32).
 */
const queueFeeds = 32;
/**
 * Bodies are copied to the worker and wait there, so a run of feeds near the fetch size cap (10 MiB) must not queue
 * hundreds of megabytes: 16 MiB is 400 of bench/ingest's 40 KB feeds, far beyond queueFeeds.
 */
const queueBytes = 16 * 1024 * 1024;

/** One worker of the pool: started lazily, replaced after a budget overrun or a crash. */
class Slot {
  worker: Worker | null = null;
  /** Feeds sent to the worker, in the order it answers them; the first is the one it reads now. */
  readonly sent: Waiting[] = [];
  #ready = false;
  #timer: NodeJS.Timeout | undefined;
  readonly budgetMs: number;
  readonly resourceLimits: ResourceLimits | undefined;
  /** Called when feeds come free (answered, or handed back after the worker was lost). */
  readonly onFree: (handedBack: Waiting[]) => void;

  constructor(budgetMs: number, resourceLimits: ResourceLimits | undefined, onFree: (handedBack: Waiting[]) => void) {
    this.budgetMs = budgetMs;
    this.resourceLimits = resourceLimits;
    this.onFree = onFree;
  }

  /** Whether the worker may take another feed now (see queueFeeds). */
  takesMore(): boolean {
    if (this.sent.length === 0) return true;
    return this.sent.length < queueFeeds && this.sent.reduce((bytes, waiting) => bytes + waiting.job.bytes.byteLength, 0) < queueBytes;
  }

  send(waiting: Waiting): void {
    const worker = (this.worker ??= this.#start());
    this.sent.push(waiting);
    worker.postMessage(waiting.job);
    if (this.sent.length === 1) this.#startBudget();
  }

  /** The budget runs from when the worker starts on a feed: when it was sent to an idle worker, else when the one
   * before it was answered (so a busy main thread can only make the budget later, never shorter). */
  #startBudget(): void {
    clearTimeout(this.#timer);
    if (this.sent.length === 0 || !this.#ready) return; // loading the parser is not the feed's time
    this.#timer = setTimeout(() => this.#lose(new ParseBudgetError(`took longer than ${seconds(this.budgetMs)} to read; skipped this run`)),
      this.budgetMs);
  }

  #start(): Worker {
    const worker = startWorkerThread(new URL('./parse-worker.ts', import.meta.url), this.resourceLimits ? { resourceLimits: this.resourceLimits } : {});
    this.#ready = false;
    worker.on('message', (answer: ParseAnswer) => {
      if (worker !== this.worker) return; // a replaced worker's last answer: its feed was already dealt with
      if (answer.kind === 'ready') {
        this.#ready = true;
        this.#startBudget();
        return;
      }
      const waiting = this.sent.shift();
      if (!waiting) return;
      if (answer.kind === 'parsed') waiting.resolve(answer.feed);
      else if (answer.kind === 'unreadable') waiting.reject(new FeedParseError(answer.message));
      else waiting.reject(new Error(answer.kind === 'crashed' ? answer.message : 'the parser worker answered out of turn'));
      this.#startBudget();
      this.onFree([]);
    });
    // The worker itself died (out of memory, say) or left: the feed it was reading fails, the next gets a fresh worker.
    worker.on('error', (error) => this.#lose(new Error(`the parser stopped: ${errorLine(error)}`), worker));
    worker.on('exit', (code) => this.#lose(new Error(`the parser stopped: its thread exited (code ${code})`), worker));
    return worker;
  }

  /** Ends the worker, fails the feed it was reading with error, and hands the feeds queued behind it back. */
  #lose(error: Error, which: Worker | null = this.worker): void {
    if (which === null || which !== this.worker) return; // an old worker's last words, already dealt with
    clearTimeout(this.#timer);
    this.worker = null;
    void which.terminate();
    const [reading, ...queued] = this.sent.splice(0);
    reading?.reject(error);
    this.onFree(queued);
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

export class FeedReader {
  readonly #slots: Slot[];
  readonly #waiting: Waiting[] = [];
  #idle: (() => void)[] = [];

  /** budgetMs: how long one feed may take to parse, counted from when a worker starts on it. */
  constructor(budgetMs: number, options: FeedReaderOptions = {}) {
    const workers = Math.max(1, Math.floor(options.workers ?? defaultParseWorkers()));
    this.#slots = Array.from({ length: workers }, () => new Slot(budgetMs, options.resourceLimits, (handedBack) => {
      this.#waiting.unshift(...handedBack);
      this.#dispatch();
    }));
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
    while (this.#busy()) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }

  #busy(): boolean {
    return this.#waiting.length > 0 || this.#slots.some((slot) => slot.sent.length > 0);
  }

  /**
   * Hands waiting feeds out: first to idle workers (started ones before starting another), then more to the busy
   * ones, the least loaded first, as far ahead as queueFeeds and queueBytes allow.
   */
  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const slot = this.#pick();
      if (!slot) break;
      slot.send(this.#waiting.shift()!);
    }
    if (!this.#busy()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #pick(): Slot | undefined {
    const idle = this.#slots.filter((slot) => slot.sent.length === 0);
    const started = idle.find((slot) => slot.worker !== null);
    if (started || idle[0]) return started ?? idle[0];
    return this.#slots.filter((slot) => slot.takesMore()).sort((a, b) => a.sent.length - b.sent.length)[0];
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
