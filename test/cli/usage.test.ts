import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { repoRoot, runWirefold, tempFolder } from '../helpers.ts';

describe('wirefold command line', () => {
  it('prints help and exits 0 on --help', () => {
    const result = runWirefold(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('rebuild');
    expect(result.stdout).toContain('Exit codes');
  });

  // `wirefold doctor | head -1`: the reader closes the pipe before the command is done writing.
  it('ends with its own exit code, and no stack trace, when the reader of its output goes away', async () => {
    // doctor writes a line per check (console.log swallows the first failed write, not the ones after it) and, with no
    // store, exits 1.
    const args = [join(repoRoot, 'scripts/wirefold.mjs'), 'doctor', '--db', join(tempFolder(), 'none.db')];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(1);
  }, 60_000);

  it('exits 2 with usage for no command, an unknown command, an unknown flag and a bad value', () => {
    expect(runWirefold([]).status).toBe(2);
    const unknown = runWirefold(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const flag = runWirefold(['ingest', '--no-such-flag']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('Usage: wirefold ingest');
    expect(runWirefold(['watch', '--every', 'often']).status).toBe(2);
    // The lease is renewed on a timer of a third of it: 7,000,000 s renewed every millisecond.
    for (const lease of ['7000000', '1e300', '0']) {
      const result = runWirefold(['ingest', '--db', join(tempFolder(), 'none.db')], { env: { ...process.env, WIREFOLD_LEASE_SECONDS: lease } });
      expect({ status: result.status, line: result.stderr.split('\n')[0] }, lease).toEqual({ status: 2,
        line: `wirefold ingest: WIREFOLD_LEASE_SECONDS must be a positive number of seconds, at most 86400 (a day), not ${lease}` });
    }
    // A Node timer over 2^31 - 1 ms fires at once: "--every 700h" rebuilt in a tight loop, fetching every feed.
    for (const every of ['169h', '700h', '9999999999h']) {
      const result = runWirefold(['watch', '--every', every, '--db', join(tempFolder(), 'none.db')]);
      expect({ status: result.status, line: result.stderr.split('\n')[0] }, every).toEqual({ status: 2,
        line: 'wirefold watch: --every must be at most 168h (a week); for longer intervals use cron or a systemd timer' });
    }
    expect(runWirefold(['build', '--out']).stderr.split('\n')[0]).toBe('wirefold build: --out needs a value');
    // parseArgs said "Option '--port' argument is ambiguous." of a value starting with a dash.
    expect(runWirefold(['serve', '--port', '-1']).stderr.split('\n')[0]).toBe('wirefold serve: --port needs a value; one that starts with "-" is given as --port=-…');
    expect(runWirefold(['feeds', 'parse', '/no/such/feed.xml']).stderr.trim()).toBe('wirefold feeds: cannot read /no/such/feed.xml: no such file');
    expect(runWirefold(['feeds', 'add', 'not-a-url', '--db', join(tempFolder(), 'x.db')]).status).toBe(2);
  });

  // Astro failed on every page of "--base ../x" with 1,200 lines of errors; a path in --site-url was dropped silently.
  it('refuses a --base that is no URL path and a --site-url that is no http(s) origin, in one line', () => {
    const refusal = (args: string[]) => {
      const result = runWirefold(['build', '--db', join(tempFolder(), 'none.db'), ...args]);
      return { status: result.status, line: result.stderr.split('\n')[0] };
    };
    expect(refusal(['--base', '../x'])).toEqual({ status: 2, line: 'wirefold build: --base must be a URL path such as /news/, and ".." is not a plain path segment' });
    expect(refusal(['--base', '/news?x=1'])).toEqual({ status: 2, line: 'wirefold build: --base must be a URL path such as /news/, and "news?x=1" is not a plain path segment' });
    expect(refusal(['--site-url', 'https://example.org/news'])).toEqual({ status: 2,
      line: "wirefold build: --site-url is the site's address without a path (https://example.org); give the path with --base, e.g. --base /news" });
    expect(refusal(['--site-url', 'https://user:pw@example.org'])).toEqual({ status: 2,
      line: "wirefold build: --site-url must not hold a user name or password; give the site's public address (https://example.org)" });
    expect(refusal(['--site-url', 'https://exa mple.org'])).toEqual({ status: 2, line: 'wirefold build: --site-url must be an http:// or https:// address, not "https://exa mple.org"' });
    // Accepted: they get as far as the missing store.
    expect(refusal(['--base', '/news/', '--site-url', 'https://example.org/']).status).toBe(1);
  });

  it('has --help on every command', () => {
    for (const command of ['ingest', 'embed', 'cluster', 'build', 'rebuild', 'watch', 'demo', 'serve', 'feeds', 'doctor', 'model', 'eval']) {
      const result = runWirefold([command, '--help']);
      expect(result.status, command).toBe(0);
      expect(result.stdout, command).toContain(`Usage: wirefold ${command}`);
    }
  });

  it("gives the demo's own defaults in its --help, not the general ones", () => {
    const demo = runWirefold(['demo', '--help']).stdout;
    expect(demo).toContain('(default data/demo.db) or\n                     postgres://… (or WIREFOLD_DB)');
    expect(demo).toContain('(default dist-demo, or WIREFOLD_OUT)');
    expect(demo).not.toContain('default data/wirefold.db');
    expect(runWirefold(['build', '--help']).stdout).toContain('(default dist, or WIREFOLD_OUT)');
  });

  it('manages the feed list: import OPML, list, remove, export', () => {
    const folder = tempFolder();
    const db = join(folder, 'feeds.db');
    const opml = join(folder, 'in.opml');
    writeFileSync(opml, `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
      <outline text="Space"><outline type="rss" text="Orbit" xmlUrl="https://orbit.example/feed.xml"/></outline>
      <outline type="rss" text="Other" xmlUrl="https://other.example/rss"/></body></opml>`);
    expect(runWirefold(['feeds', 'import', opml, '--db', db]).stdout).toContain('imported 2 feeds');
    const list = runWirefold(['feeds', 'list', '--db', db]);
    expect(list.stdout).toContain('Orbit');
    expect(list.stdout).toMatch(/id\s+health/);
    expect(runWirefold(['feeds', 'remove', 'https://other.example/rss', '--db', db]).status).toBe(0);
    const exported = runWirefold(['feeds', 'export', '--db', db]).stdout;
    expect(exported).toContain('https://orbit.example/feed.xml');
    expect(exported).not.toContain('other.example');
    expect(exported).toContain('text="Space"');
    expect(runWirefold(['feeds', 'remove', '999', '--db', db]).status).toBe(1);
  });

  it('feeds parse prints the feed as ingest would store it, and exits 1 with a reason on junk', () => {
    const folder = tempFolder();
    const result = runWirefold(['feeds', 'parse', 'content/samples/northwind-tech.xml', '--json']);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { feed: { title: string; format: string }; items: { title: string; url: string; published: string | null }[] };
    expect(parsed.feed.format).toBe('rss');
    expect(parsed.items.length).toBeGreaterThan(5);
    const junk = join(folder, 'junk.xml');
    writeFileSync(junk, 'this is not a feed');
    const bad = runWirefold(['feeds', 'parse', junk]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
