// Shared test helpers: temporary folders and running the real `wirefold` command.
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../src/store/store.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh folder, removed when the test file is done. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-test-'));
  folders.push(folder);
  return folder;
}

/**
 * Runs the real command and waits for it (this process does nothing meanwhile); `user`: as that uid and gid (root
 * only); `input`: its standard input.
 */
export function runWirefold(args: string[], options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv; user?: number; input?: string } = {}) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), ...args], {
    cwd: options.cwd ?? repoRoot,
    ...(options.input === undefined ? {} : { input: options.input }),
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.user === undefined ? {} : { uid: options.user, gid: options.user }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** runWirefold without blocking this process's event loop, for a command that a server of the test's must answer. */
export function runWirefoldBeside(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), ...args],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/**
 * The SQLite handle of a SQLite store, for tests that look inside the file with SQL of their own (or damage it on
 * purpose). Throws for a PostgreSQL store.
 */
export function sqliteDb(store: Store): DatabaseSync {
  if (!(store instanceof SqliteStore)) throw new Error(`${store.path} is not a SQLite store`);
  return store.db;
}
