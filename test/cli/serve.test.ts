// `wirefold serve` sends each file of a built site with its content type, OPML included (Astro's preview has no
// entry for it and sent none), at the base path the site was built for (served on a real site in pages.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../helpers.ts';
import { serveSite } from '../demo-site.ts';
import { siteBase } from '../../src/cli/serve.ts';
import { settingsFrom } from '../../src/cli/settings.ts';
import { writeBuildManifest } from '../../src/site/build-manifest.ts';
import type { RunningServer } from '../demo-site.ts';

describe('wirefold serve', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it('sends topics.opml as text/x-opml, and other files as before', async () => {
    const folder = tempFolder();
    const dist = join(folder, 'dist');
    mkdirSync(join(dist, 'images'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dist, 'topics.opml'), '<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>');
    writeFileSync(join(dist, 'rss.xml'), '<?xml version="1.0"?><rss version="2.0"><channel/></rss>');
    server = await serveSite({ dist });
    const opml = await fetch(new URL('/topics.opml', server.url));
    expect(opml.status).toBe(200);
    expect(opml.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    expect(await opml.text()).toContain('<opml');
    expect((await fetch(new URL('/rss.xml', server.url))).headers.get('content-type')).toMatch(/xml/);
    expect((await fetch(new URL('/', server.url))).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers a path with an encoded slash or backslash with a 404, not a 500 page with a stack trace', async () => {
    const dist = join(tempFolder(), 'dist');
    mkdirSync(join(dist, 'about'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>front</title>');
    writeFileSync(join(dist, 'about', 'index.html'), '<!doctype html><title>about</title>');
    const served = await serveSite({ dist });
    try {
      for (const path of ['/about/..%2f', '/about/..%2F..%2Fetc/passwd', '/about%5c..%5cindex.html']) {
        const response = await fetch(new URL(path, served.url));
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).not.toMatch(/TypeError|at .*\.js:\d+/);
      }
      expect((await fetch(new URL('/about/', served.url))).status).toBe(200);
    } finally {
      await served.stop();
    }
  });

  it('sends text/x-opml only for files under the base path, not for the HTML 404 page outside it', async () => {
    // A site built for /news/: a request for /topics.opml gets the preview's HTML 404 page, which went out labelled OPML.
    const dist = join(tempFolder(), 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dist, 'topics.opml'), '<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>');
    writeBuildManifest(dist, { fingerprint: 'f', code: 'c', settings: { siteUrl: null, base: '/news/', demo: false, images: 'off' }, htmlPages: 1, pages: {} });
    const served = await serveSite({ dist });
    try {
      const outside = await fetch(new URL('/topics.opml', served.url));
      expect(outside.status).toBe(404);
      expect(outside.headers.get('content-type') ?? '').not.toContain('opml'); // the preview's own 404 has no type
      expect(await outside.text()).toMatch(/^<!doctype html>/i);
      const inside = await fetch(new URL('topics.opml', served.root));
      expect(inside.status).toBe(200);
      expect(inside.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    } finally {
      await served.stop();
    }
  });

  it('serves a site built for a base path outside ASCII ("/新闻/") at it, and redirects / there', async () => {
    // Browsers send its links percent-encoded; the preview matched them against "/新闻/" as written (every page a 404),
    // and the redirect of / put "新闻" in a Location header, which Node refuses: the server died of the first request.
    const dist = join(tempFolder(), 'dist');
    mkdirSync(join(dist, 'about'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>front</title>');
    writeFileSync(join(dist, 'about', 'index.html'), '<!doctype html><title>about</title>');
    writeBuildManifest(dist, { fingerprint: 'f', code: 'c', settings: { siteUrl: null, base: '/新闻/', demo: false, images: 'off' }, htmlPages: 2, pages: {} });
    const served = await serveSite({ dist });
    try {
      const encoded = '/%E6%96%B0%E9%97%BB/';
      expect(served.root).toBe(`${served.url}${encoded}`);
      const front = await fetch(new URL('/?q=1', served.url), { redirect: 'manual' });
      expect(front.status).toBe(302);
      expect(front.headers.get('location')).toBe(`${encoded}?q=1`);
      expect(await (await fetch(new URL(encoded, served.url))).text()).toContain('front');
      expect(await (await fetch(new URL(`${encoded}about/`, served.url))).text()).toContain('about');
      expect((await fetch(new URL('/新闻', served.url), { redirect: 'manual' })).headers.get('location')).toBe(encoded);
    } finally {
      await served.stop();
    }
  });

  it('takes the base path from the site\'s build record, refuses another --base, and takes --base for a site without one', () => {
    const site = tempFolder();
    expect(siteBase(site, undefined)).toBe('/');
    expect(siteBase(site, 'news')).toBe('/news/');
    writeBuildManifest(site, { fingerprint: 'f', code: 'c', settings: { siteUrl: null, base: '/news', demo: false, images: 'off' }, htmlPages: 1, pages: {} });
    expect(siteBase(site, undefined)).toBe('/news/');
    expect(siteBase(site, '/news/')).toBe('/news/');
    expect(() => siteBase(site, '/wire/')).toThrow('was built for the base path /news/, not /wire/');
  });

  it('builds and serves one base path however --base is written: "//news//" is "/news/", not links to a host "news"', () => {
    // Astro takes the base as given: with "//news//" every link and asset was "//news//…", protocol-relative (host
    // "news"), while serve answered at /news/ and printed that address.
    const base = (given: string) => settingsFrom({ base: given }, {}).base;
    expect(base('//news//')).toBe('/news/');
    expect(base('news')).toBe('/news/');
    expect(base(' /a//b ')).toBe('/a/b/');
    expect(base('')).toBe('/');
    expect(settingsFrom({}, { WIREFOLD_BASE: '//wire' }).base).toBe('/wire/');
    expect(settingsFrom({}, {}).base).toBeUndefined();
  });
});
