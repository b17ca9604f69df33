// Shared test helpers: temporary folders and running the real `wirefold` command.
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../src/store/store.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
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

export function runWirefold(args: string[], options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The SQLite handle of a SQLite store, for tests that look inside the file with SQL of their own (or damage it on
 * purpose). Throws for a PostgreSQL store.
 */
export function sqliteDb(store: Store): DatabaseSync {
  if (!(store instanceof SqliteStore)) throw new Error(`${store.path} is not a SQLite store`);
  return store.db;
}
