// src/processes.ts on real processes: a child this test starts is listed with its command line, and is gone from the
// list once it has exited and been reaped.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { childProcesses, isRunning } from '../src/processes.ts';

describe('childProcesses', () => {
  it('lists a running child with its command line, and no longer once it has ended', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(childProcesses(process.pid)).toContainEqual({ pid: child.pid, command: 'sleep 30' });
      expect(isRunning(child.pid!)).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(childProcesses(process.pid).map((listed) => listed.pid)).not.toContain(child.pid);
  });

  it('is empty for a process that does not exist', () => {
    expect(childProcesses(2 ** 22 + 1)).toEqual([]);
  });
});
