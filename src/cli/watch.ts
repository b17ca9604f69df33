// `wirefold watch --every 15m`: a built-in scheduler loop for machines without cron. A failed round is reported and
// the loop goes on; rounds never overlap.
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { UsageError } from './settings.ts';
import type { Settings } from './settings.ts';

export function parseInterval(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!match) throw new UsageError(`--every takes a number and s, m or h (like 15m), not "${text}"`);
  const milliseconds = Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  if (milliseconds < 10_000) throw new UsageError('--every must be at least 10s');
  return milliseconds;
}

export async function watchCommand(settings: Settings, everyMs: number, rebuild: (store: Store, settings: Settings) => Promise<void>): Promise<number> {
  let stopping = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopping = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopping) {
    const started = Date.now();
    const store = openStore(settings.storePath);
    try {
      await rebuild(store, settings);
    } catch (error) {
      console.error(`watch: this round failed: ${(error as Error).message}`);
    } finally {
      store.close();
    }
    const wait = Math.max(0, everyMs - (Date.now() - started));
    if (!stopping) console.log(`watch: next round at ${new Date(Date.now() + wait).toISOString()}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return 0;
}
