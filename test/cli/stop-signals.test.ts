// What a stopped command says (src/cli/stop-signals.ts), in a real process stopped by a real SIGINT.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/failing-stop.ts', import.meta.url));

describe('a stop whose clean-up fails', () => {
  it('says so in one line after "stopped", and still exits 130', () => {
    const run = spawnSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(130);
    expect(run.stderr).toBe('wirefold build: stopped (SIGINT)\n' +
      "wirefold build: clean-up failed (EPERM: operation not permitted, rmdir 'site-new-1'); exiting (the next run finishes it)\n");
  });
});
