// The demo site built for the site checks and the browser test: `wirefold demo` into a temporary folder, and a way to
// serve it with `wirefold serve`, the command people use to preview it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { repoRoot, runWirefold, tempFolder } from './helpers.ts';

export interface DemoSite {
  folder: string;
  db: string;
  dist: string;
  siteUrl: string;
  base: string;
}

export const demoBuildTimeoutMs = 240_000;

/** Builds the demo into a fresh temporary folder (removed when the test file is done); throws with the output if it fails. */
export function buildDemoSite(options: { siteUrl?: string; base?: string } = {}): DemoSite {
  const folder = tempFolder();
  const site: DemoSite = {
    folder, db: join(folder, 'demo.db'), dist: join(folder, 'dist'),
    siteUrl: options.siteUrl ?? 'http://localhost:4321', base: options.base ?? '/',
  };
  const result = runWirefold(['demo', '--db', site.db, '--out', site.dist, '--site-url', site.siteUrl, '--base', site.base],
    { timeout: demoBuildTimeoutMs });
  if (result.status !== 0) throw new Error(`wirefold demo failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return site;
}

/** Every file under dir whose name passes accept, as paths relative to dir with forward slashes. */
export function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  const walk = (folder: string): string[] => readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : accept(name) ? [relative(dir, path).split(sep).join('/')] : [];
  });
  return walk(dir).sort();
}

/**
 * The file in dist that answers a link ("/news/topics/x/" → "topics/x/index.html"), or null when it points outside
 * the site (another host, or not under the base path). Relative links resolve against the page in dist they are on.
 */
export function distFileFor(site: DemoSite, link: string, onPage = 'index.html'): string | null {
  const root = new URL(site.base, site.siteUrl);
  const url = new URL(link, new URL(onPage.replace(/index\.html$/, ''), root));
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return null;
  const path = decodeURIComponent(url.pathname.slice(root.pathname.length));
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}

export interface RunningServer {
  /** The server's origin, http://127.0.0.1:PORT. */
  url: string;
  /** The address serve printed: where the site's front page is (its base path on url). */
  root: string;
  stop(): Promise<void>;
}

/**
 * `wirefold serve` on a free loopback port, as a child process; resolves once it prints its address. Run as a user
 * runs it after a build: with --out alone, so the site's own base path is what it serves at.
 */
export function serveSite(site: Pick<DemoSite, 'dist'>, timeoutMs = 60_000): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'serve', '--out', site.dist, '--port', '0'],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`wirefold serve printed no address within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stopChild(child);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const address = /serve: (http:\/\/127\.0\.0\.1:\d+)(\/\S*)/.exec(output);
      if (!address) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ url: address[1]!, root: `${address[1]!}${address[2]!}`, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`wirefold serve exited (${code}) before serving:\n${output}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
