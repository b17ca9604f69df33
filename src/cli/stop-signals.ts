// SIGINT and SIGTERM stop any command at once: every stage is crash-proof (a store transaction lands whole or not at
// all, the site swap is a rename), so abandoning the current stage is safe, and a scheduler or a Ctrl-C never waits
// out a round. The process exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process ended by those signals.

const stopSignals = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof stopSignals;

let command = 'wirefold';
const handlers = new Map<StopSignal, () => void>();

/** Installs the handlers: a one-line "stopped" on stderr, then exit; `exit` listeners (lock release) still run. */
export function exitOnStopSignals(commandName: string): void {
  command = commandName;
  for (const signal of Object.keys(stopSignals) as StopSignal[]) {
    if (handlers.has(signal)) continue;
    const handler = () => {
      process.stderr.write(`wirefold ${command}: stopped (${signal})\n`);
      process.exit(stopSignals[signal]);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
}

/**
 * Runs synchronous work with the signals' default action restored. A JavaScript handler cannot run until synchronous
 * code returns, and clustering a large run takes seconds; with the default action the kernel ends the process at
 * once instead, which is safe because the work writes in one transaction. (No "stopped" line then: nothing can print.)
 */
export function interruptibleSync<T>(work: () => T): T {
  for (const [signal, handler] of handlers) process.off(signal, handler);
  try {
    return work();
  } finally {
    for (const [signal, handler] of handlers) process.on(signal, handler);
  }
}

/**
 * interruptibleSync for asynchronous work (a stage whose store calls are asynchronous but mostly synchronous
 * underneath, so handlers would still wait): the default action is restored until the work settles.
 */
export async function interruptible<T>(work: () => Promise<T>): Promise<T> {
  for (const [signal, handler] of handlers) process.off(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) process.on(signal, handler);
  }
}
