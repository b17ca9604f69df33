// `wirefold watch --every 15m`: a built-in scheduler loop for machines without cron. A failed round is reported and
// the loop goes on; rounds never overlap, and a round is skipped while another run holds the store. SIGINT/SIGTERM
// end it at once, mid-round or asleep (stop-signals.ts: every stage is safe to abandon).
import { setTimeout as sleep } from 'node:timers/promises';
import { existingStorePath } from '../store/store.ts';
import { parseStoreLocation } from '../store/location.ts';
import { LockHeldError } from '../store/writer-lock.ts';
import { UsageError } from './settings.ts';
import type { Settings } from './settings.ts';

/**
 * The interval of `--every` ("15m", "90s", "6h") in milliseconds, from 10 s to a week. Throws UsageError (exit 2) for
 * any other shape or a value out of that range.
 */
export function parseInterval(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!match) throw new UsageError(`--every takes a number and s, m or h (like 15m), not "${text}"`);
  const milliseconds = Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  if (milliseconds < 10_000) throw new UsageError('--every must be at least 10s');
  // A timer of more than 2^31 - 1 ms (24.8 days) fires at once, so "--every 700h" rebuilt in a tight loop, fetching
  // every feed many times a second. A news site rebuilt less than weekly is better served by cron or a systemd timer.
  if (milliseconds > maxIntervalMs) throw new UsageError(`--every must be at most 168h (a week); for longer intervals use cron or a systemd timer`);
  return milliseconds;
}

/** The longest --every: a week, well under the 2^31 - 1 ms a Node timer can wait. */
const maxIntervalMs = 7 * 24 * 3_600_000;

/**
 * Runs `round` (a whole rebuild, as the store's one writer: pipeline.ts onStore) now and then every `everyMs`
 * milliseconds, for good; the process ends by a signal.
 */
export async function watchCommand(settings: Settings, everyMs: number, round: () => Promise<number>): Promise<never> {
  // The store must exist before the first round: a typo in --db should fail now, not every 15 minutes.
  if (parseStoreLocation(settings.storePath).kind === 'sqlite') existingStorePath(settings.storePath);
  for (;;) {
    const started = Date.now();
    try {
      await round();
    } catch (error) {
      if (error instanceof LockHeldError) console.error(`watch: skipped this round: ${error.message}`);
      else console.error(`watch: this round failed: ${(error as Error).message}`);
    }
    const wait = Math.max(0, everyMs - (Date.now() - started));
    console.log(`watch: next round at ${new Date(Date.now() + wait).toISOString()}`);
    await sleep(wait);
  }
}
