// Test helpers for real `wirefold ingest` worker processes against a PostgreSQL store (the lease crash test and the
// host politeness test): start one with the output captured, and poll until a condition holds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';

/** Starts `wirefold ingest --allow-private-addresses --db location` (loopback feed servers) with a 2 s lease by default. */
export function startIngest(location: string, leaseSeconds = 2) {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'ingest', '--allow-private-addresses', '--db', location],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', WIREFOLD_LEASE_SECONDS: String(leaseSeconds) } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Resolves once `check` holds, polling every 50 ms; throws after timeoutMs. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
