// One rule for what may be stored as a feed URL (http or https, with a host), kept the same by `feeds add` and OPML import.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { feedUrlProblem } from '../../src/ingest/feed-url.ts';
import { runWirefold, tempFolder } from '../helpers.ts';

describe('feedUrlProblem', () => {
  it('accepts http and https URLs with a host and names what is wrong with the rest', () => {
    for (const url of ['https://feed.example/rss', 'http://127.0.0.1:8080/feed.xml', 'HTTPS://Feed.Example/atom', 'http://[::1]/feed']) {
      expect(feedUrlProblem(url), url).toBeNull();
    }
    const problems: [string, string][] = [
      ['javascript:alert(1)', 'not http or https'],
      ['file:///etc/passwd', 'not http or https'],
      ['ftp://ftp.example/feed.xml', 'not http or https'],
      ['data:text/xml,<rss/>', 'not http or https'],
      ['http://', 'no host'],
      ['https://', 'no host'],
      ['http:///feed.xml', 'no host'], // the URL parser would take "feed.xml" for the host
      ['http:feed.example', 'no host'],
      ['feed.example/rss', 'not a URL'],
      ['http://exa mple.com/', 'not a URL'],
    ];
    for (const [url, problem] of problems) expect(feedUrlProblem(url), url).toBe(problem);
  });
});

describe('wirefold feeds add and import', () => {
  it('refuses a URL without a host with exit 2 and one line', () => {
    const db = join(tempFolder(), 'add.db');
    for (const url of ['http://', 'http:///feed.xml', 'javascript:alert(1)']) {
      const result = runWirefold(['feeds', 'add', url, '--db', db]);
      expect(result.status, url).toBe(2);
      expect(result.stderr.trim().split('\n'), url).toHaveLength(1);
      expect(result.stderr, url).toContain(`cannot add ${url}`);
    }
    // Refused before the store is opened: none was started.
    expect(existsSync(db)).toBe(false);
  });

  it('imports the good feeds of an OPML file and names each one skipped for its URL', () => {
    const folder = tempFolder();
    const db = join(folder, 'import.db');
    const opml = join(folder, 'mixed.opml');
    writeFileSync(opml, `<?xml version="1.0"?><opml version="2.0"><head><title>mixed</title></head><body>
      <outline type="rss" text="Good" xmlUrl="https://good.example/feed.xml"/>
      <outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>
      <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
      <outline type="rss" text="FTP" xmlUrl="ftp://ftp.example/feed.xml"/>
      <outline type="rss" text="Hostless" xmlUrl="http://"/>
      <outline type="rss" text="Also good" xmlUrl="http://also.example/rss"/></body></opml>`);
    const result = runWirefold(['feeds', 'import', opml, '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`imported 2 feeds from ${opml}`);
    expect(result.stdout).toContain('skipped 4 feeds with bad URLs: javascript:alert(1) (not http or https), ' +
      'file:///etc/passwd (not http or https), ftp://ftp.example/feed.xml (not http or https), http:// (no host)');
    const list = runWirefold(['feeds', 'list', '--json', '--db', db]);
    expect((JSON.parse(list.stdout) as { url: string }[]).map((feed) => feed.url).sort())
      .toEqual(['http://also.example/rss', 'https://good.example/feed.xml']);
  });
});
