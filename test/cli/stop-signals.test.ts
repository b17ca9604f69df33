// What a stopped command says (src/cli/stop-signals.ts), in a real process stopped by a real SIGINT.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/failing-stop.ts', import.meta.url));
const boundary = fileURLToPath(new URL('./fixtures/signal-at-boundary.ts', import.meta.url));

describe('a stop whose clean-up fails', () => {
  it('says so in one line after "stopped", and still exits 130', () => {
    const run = spawnSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(130);
    expect(run.stderr).toBe('wirefold build: stopped (SIGINT)\n' +
      "wirefold build: clean-up failed (EPERM: operation not permitted, rmdir 'site-new-1'); exiting (the next run finishes it)\n");
  });
});

// A signal caught while synchronous code runs is handled when the event loop next reads the signals it caught. Until
// the fix, one caught just before interruptible() swapped the handlers out was dropped (closing Node's signal handle
// discards what it caught and has not dispatched), and one caught after the last turn of the loop was never read:
// `rebuild` stopped by Ctrl-C at the embed→cluster boundary ran to the end and exited 0.
describe('a stop signal caught but not yet handled', () => {
  const stopped = (args: string[]) => spawnSync(process.execPath, [boundary, ...args], { encoding: 'utf8', timeout: 20_000 });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('at a stage boundary (%s) stops the command before the next stage, exit %i', (signal, code) => {
    const run = stopped(['stage', signal]);
    expect({ status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr })
      .toEqual({ status: code, signal: null, stdout: 'embed: done\n', stderr: `wirefold rebuild: stopped (${signal})\n` });
  });

  it('at a stage boundary with a clean-up registered: the next stage never starts, the clean-up runs, exit 130', () => {
    const run = stopped(['stage', 'SIGINT', 'cleanup']);
    expect({ status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr })
      .toEqual({ status: 130, signal: null, stdout: 'embed: done\n', stderr: 'wirefold rebuild: stopped (SIGINT)\n' });
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('as the command ends (%s) still stops it, exit %i', (signal, code) => {
    const run = stopped(['end', signal]);
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({ status: code, signal: null, stderr: `wirefold rebuild: stopped (${signal})\n` });
  });
});
