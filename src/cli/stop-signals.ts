// SIGINT and SIGTERM stop any command at once: every stage is crash-proof (a store transaction lands whole or not at
// all, the site swap is a rename), so abandoning the current stage is safe, and a scheduler or a Ctrl-C never waits
// out a round. The process exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process ended by those signals.
import { errorLine } from '../error-line.ts';

const stopSignals = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof stopSignals;

let command = 'wirefold';
const handlers = new Map<StopSignal, () => void>();
const cleanups = new Set<() => Promise<unknown>>();
let stopping = false;
let readingAtExit = false;

/**
 * How long the stop waits for its cleanups (beforeStopExit) before it exits anyway, in milliseconds: long enough for
 * a store update on a live connection, short enough that a scheduler's stop is still prompt. WIREFOLD_STOP_BUDGET_MS
 * shortens it for the test of a clean-up that outlasts it (test/crash/build-stop.test.ts), which on a quiet machine
 * finished within 3 s; it is not a setting for users.
 */
const cleanupBudgetMs = Number(process.env['WIREFOLD_STOP_BUDGET_MS']) || 3_000;

/**
 * Installs the handlers: a one-line "stopped" on stderr (and nothing more from the abandoned work), the cleanups
 * registered with beforeStopExit (at most cleanupBudgetMs; past it a second line says the clean-up is unfinished, and a
 * cleanup that fails says so in one line: each must leave a state the next run completes), then exit; `exit` listeners (lock release) still run. A second signal exits at once.
 */
export function exitOnStopSignals(commandName: string): void {
  command = commandName;
  for (const signal of Object.keys(stopSignals) as StopSignal[]) {
    if (handlers.has(signal)) continue;
    const handler = () => {
      const code = stopSignals[signal];
      if (stopping) process.exit(code);
      stopping = true;
      const write = process.stderr.write.bind(process.stderr);
      write(`wirefold ${command}: stopped (${signal})\n`);
      muteStderr();
      if (cleanups.size === 0) process.exit(code);
      setTimeout(() => {
        write(`wirefold ${command}: clean-up unfinished after ${cleanupBudgetMs / 1000} s; exiting (the next run finishes it)\n`);
        process.exit(code);
      }, cleanupBudgetMs);
      void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then((settled) => {
        for (const result of settled) {
          if (result.status === 'rejected') write(`wirefold ${command}: clean-up failed (${errorLine(result.reason)}); exiting (the next run finishes it)\n`);
        }
        process.exit(code);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  if (!readingAtExit) {
    readingAtExit = true;
    // A signal caught after the loop's last read would never be read: once nothing keeps the loop turning, Node exits
    // (with the command's code, 0 after a rebuild that was told to stop). One more turn reads it; once, so that the
    // process still ends.
    process.once('beforeExit', () => setImmediate(() => undefined));
  }
}

/**
 * Swallows what the abandoned work writes on stderr from now on: once stopped, a command says only its own line(s).
 * The work it leaves fails on its way out, and some of it logs that itself (Astro, still rendering pages when a stopped
 * build's working folder and new site are gone, printed an ERR_MODULE_NOT_FOUND and its stack per page).
 */
function muteStderr(): void {
  process.stderr.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stderr.write;
}

/**
 * Lets a stop signal that arrived with a failure land before the failure is reported. A terminal's Ctrl-C signals the
 * whole process group, so a child (Pagefind) may die of it and fail the command before this process has read its own
 * signal; and once nothing holds the event loop open, Node exits without reading it at all (exit 1, the child's error
 * printed). A short timer keeps the loop turning, so a pending signal's handler runs (it prints its line and exits
 * 130/143); without one, this returns and the failure is reported as before.
 */
export async function letPendingStopLand(): Promise<void> {
  if (handlers.size === 0) return;
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Registers work a stop signal runs before the exit (an ingest worker on PostgreSQL gives back its leases, so other
 * workers need not wait for them to lapse); returns the function that unregisters it. Best effort: a cleanup that
 * fails or outlasts the budget is abandoned, and work under interruptible() is ended by the kernel without any.
 */
export function beforeStopExit(cleanup: () => Promise<unknown>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Runs work with the signals' default action restored: a stage whose store calls are asynchronous but mostly
 * synchronous underneath (clustering a large run takes seconds), where a JavaScript handler could not run until the
 * work returns. With the default action the kernel ends the process at once instead, which is safe because the work
 * writes in one transaction. (No "stopped" line then: nothing can print.)
 *
 * The handlers are taken off only after the signals caught so far have been handled: closing Node's signal handle (the
 * last listener going) discards a signal it has caught but not yet dispatched, so a Ctrl-C that landed while the
 * previous stage's last synchronous code ran (rebuild's embed→cluster boundary: about 20 ms with no turn of the loop)
 * was lost, neither handled nor given its default action, and the command ran to the end and exited 0. The only gap
 * left is Node's: the few microseconds of synchronous code between the loop's read of the signals it caught and the
 * swap. A stop already under way (its clean-ups run) does not start the work. There is no synchronous form of this:
 * without a turn of the loop, a signal caught since the last one would be dropped by the swap.
 */
export async function interruptible<T>(work: () => Promise<T>): Promise<T> {
  if (handlers.size > 0) await handleCaughtSignals();
  // The stop's clean-ups end the process (or its budget does); the abandoned command waits for that.
  if (stopping) return new Promise<T>(() => undefined);
  for (const [signal, handler] of handlers) process.off(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) process.on(signal, handler);
  }
}

/**
 * Runs the handlers of the stop signals caught so far. libuv catches a signal at once but dispatches it only when the
 * event loop reads the signals it caught (in its poll phase). Two turns: the first immediate may run in the turn whose
 * poll came before this call (when called from an I/O callback), the second runs after a poll that began after it.
 */
function handleCaughtSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
