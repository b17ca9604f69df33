// Every HTML page of the built demo site, read as a parser reads it: one h1, a title, a language, unique ids, a
// canonical URL on the public site, feed autodiscovery, and internal links (under a base path) that all lead somewhere.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { buildDemoSite, demoBuildTimeoutMs, distFileFor, filesUnder, serveSite } from '../demo-site.ts';
import { runWirefold, tempFolder } from '../helpers.ts';
import type { DemoSite } from '../demo-site.ts';

type Document = ReturnType<typeof parseDocument>;
type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];

let site: DemoSite;
let pages: { file: string; document: Document }[];

const elements = (document: Document, name: string): Element[] => DomUtils.getElementsByTagName(name, document);
const text = (element: Element) => DomUtils.textContent(element).replace(/\s+/g, ' ').trim();

/** Every link and asset URL of a page (links, stylesheets, scripts, pictures), but in-page, data: and mailto: ones. */
const linksAndAssets = (document: Document): string[] => [
  ...elements(document, 'a').map((element) => element.attribs['href']),
  ...elements(document, 'link').map((element) => element.attribs['href']),
  ...elements(document, 'script').map((element) => element.attribs['src']),
  ...elements(document, 'img').map((element) => element.attribs['src']),
].filter((target): target is string => !!target && !target.startsWith('#') && !/^(data|mailto):/.test(target));

/** Runs check on every page and collects what it reports, so one failure lists every page that has the problem. */
function problemsOnEveryPage(check: (document: Document, file: string) => string[]): string[] {
  return pages.flatMap(({ file, document }) => check(document, file).map((problem) => `${file}: ${problem}`));
}

describe('the HTML pages of the built demo site', () => {
  beforeAll(() => {
    // Under a sub-path and a public URL, so that every link and canonical URL has to carry both.
    site = buildDemoSite({ siteUrl: 'https://news.example.org', base: '/wire/' });
    pages = filesUnder(site.dist, (name) => name.endsWith('.html'))
      .map((file) => ({ file, document: parseDocument(readFileSync(join(site.dist, file), 'utf8')) }));
  }, demoBuildTimeoutMs + 30_000);

  it('builds the pages the site promises', () => {
    const files = new Set(pages.map((page) => page.file));
    for (const file of ['index.html', '404.html', 'about/index.html', 'topics/index.html']) expect(files, file).toContain(file);
    expect(pages.filter((page) => page.file.startsWith('stories/')).length).toBeGreaterThan(20);
    expect(pages.filter((page) => /^topics\/[^/]+\/index\.html$/.test(page.file)).length).toBeGreaterThan(3);
  });

  it('gives every page exactly one h1, with words in it', () => {
    expect(problemsOnEveryPage((document) => {
      const headings = elements(document, 'h1');
      if (headings.length !== 1) return [`${headings.length} h1 elements`];
      return text(headings[0]!) ? [] : ['an empty h1'];
    })).toEqual([]);
  });

  it('gives every page one non-empty title and a lang attribute on <html>', () => {
    expect(problemsOnEveryPage((document) => {
      const problems: string[] = [];
      const titles = elements(document, 'title');
      if (titles.length !== 1 || !text(titles[0]!)) problems.push(`title: ${titles.map(text).join(' | ') || 'none'}`);
      const html = elements(document, 'html')[0];
      if (!html?.attribs['lang']?.trim()) problems.push('no lang attribute on <html>');
      return problems;
    })).toEqual([]);
  });

  it('never repeats an id on a page, and every in-page link points at an id that exists', () => {
    expect(problemsOnEveryPage((document) => {
      const ids = DomUtils.findAll((element) => element.attribs['id'] !== undefined, document.children).map((element) => element.attribs['id']!);
      const seen = new Set<string>();
      const problems = ids.filter((id) => seen.has(id) || !seen.add(id)).map((id) => `id "${id}" used more than once`);
      for (const anchor of elements(document, 'a')) {
        const target = anchor.attribs['href'];
        if (target?.startsWith('#') && target.length > 1 && !seen.has(decodeURIComponent(target.slice(1)))) problems.push(`link to missing ${target}`);
      }
      return problems;
    })).toEqual([]);
  });

  it('names a canonical URL on the public site, with Open Graph tags, and offers feeds for autodiscovery on every page', () => {
    const home = new URL(site.base, site.siteUrl).href;
    const feedTypes = { 'rss.xml': 'application/rss+xml', 'atom.xml': 'application/atom+xml', 'feed.json': 'application/feed+json' };
    expect(problemsOnEveryPage((document, file) => {
      const links = elements(document, 'link');
      const problems: string[] = [];
      const canonical = links.filter((link) => link.attribs['rel'] === 'canonical').map((link) => link.attribs['href'] ?? '');
      // The 404 page answers at every missing address, so it has no canonical one; any other page has exactly one.
      if (file === '404.html' ? canonical.length > 0 : canonical.length !== 1 || !canonical[0]!.startsWith(home)) {
        problems.push(`canonical: ${canonical.join(', ') || 'none'}`);
      }
      const meta = (property: string) => elements(document, 'meta').find((element) => element.attribs['property'] === property)?.attribs['content'];
      if (!meta('og:title')) problems.push('no og:title');
      if (file !== '404.html' && meta('og:url') !== canonical[0]) problems.push(`og:url ${meta('og:url')} is not the canonical URL`);
      const alternates = links.filter((link) => link.attribs['rel'] === 'alternate')
        .map((link) => ({ type: link.attribs['type'], file: distFileFor(site, link.attribs['href'] ?? '') }));
      // Every page offers the front page's feeds; a topic's pages offer the topic's own too.
      const topic = /^topics\/([^/]+)\/(\d+\/)?index\.html$/.exec(file)?.[1];
      for (const [name, type] of Object.entries(feedTypes)) {
        for (const feed of topic ? [name, `topics/${topic}/${name}`] : [name]) {
          if (!alternates.some((alternate) => alternate.type === type && alternate.file === feed)) problems.push(`no autodiscovery link to ${feed}`);
        }
      }
      return problems;
    })).toEqual([]);
  });

  it('keeps every internal link under the base path and pointing at a file that was built', () => {
    expect(problemsOnEveryPage((document, page) => {
      return linksAndAssets(document).flatMap((target) => {
        if (target.startsWith('/') && !target.startsWith(site.base)) return [`link outside the base path: ${target}`];
        const file = distFileFor(site, target.split('#')[0]!, page);
        return file !== null && !existsSync(join(site.dist, file)) ? [`broken link: ${target}`] : [];
      });
    })).toEqual([]);
  });

  it('is served by `wirefold serve` at its base path without being told it, its links and assets found, / redirected there', async () => {
    const server = await serveSite(site);
    try {
      expect(server.root).toBe(`${server.url}${site.base}`);
      for (const start of ['/', site.base.slice(0, -1)]) {
        const response = await fetch(`${server.url}${start}`, { redirect: 'manual' });
        expect(response.status, start).toBe(302);
        expect(response.headers.get('location'), start).toBe(site.base);
      }
      const home = pages.find((page) => page.file === 'index.html')!.document;
      const publicRoot = new URL(site.base, site.siteUrl);
      const paths = [...new Set(linksAndAssets(home).filter((target) => distFileFor(site, target.split('#')[0]!) !== null)
        .map((target) => new URL(target, publicRoot).pathname))];
      expect(paths.length).toBeGreaterThan(20);
      const missing: string[] = [];
      for (const path of paths) {
        const response = await fetch(`${server.url}${path}`);
        if (response.status !== 200) missing.push(`${path}: ${response.status}`);
      }
      expect(missing).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('writes times as absolute UTC dates in <time datetime>, never a build-time "ago"', () => {
    expect(problemsOnEveryPage((document) => elements(document, 'time').flatMap((time) => {
      const problems: string[] = [];
      if (Number.isNaN(Date.parse(time.attribs['datetime'] ?? ''))) problems.push(`<time> without a datetime: ${text(time)}`);
      if (/\bago\b|just now/.test(text(time))) problems.push(`relative time in the HTML: ${text(time)}`);
      return problems;
    }))).toEqual([]);
    const home = pages.find((page) => page.file === 'index.html')!.document;
    expect(elements(home, 'time').filter((time) => time.attribs['data-relative'] !== undefined).length).toBeGreaterThan(10);
  });

  it('builds the same pages again from the same store, whenever it is built', () => {
    const again = join(tempFolder(), 'dist');
    const result = runWirefold(['build', '--db', site.db, '--out', again, '--site-url', site.siteUrl, '--base', site.base], { timeout: demoBuildTimeoutMs });
    expect(result.status, result.stderr).toBe(0);
    const changed = pages.map((page) => page.file)
      .filter((file) => readFileSync(join(site.dist, file), 'utf8') !== readFileSync(join(again, file), 'utf8'));
    expect(changed).toEqual([]);
  }, demoBuildTimeoutMs);

  it('names outlets cleanly and counts each once', () => {
    const outletNames = pages.filter((page) => page.file !== 'sources/index.html').flatMap(({ document }) =>
      DomUtils.findAll((element) => /\boutlet\b/.test(element.attribs['class'] ?? '') || element.name === 'dt', document.children).map(text));
    expect(outletNames).toContain('Meridian Wire');
    expect(outletNames.filter((name) => /:|Top stories/.test(name))).toEqual([]);
  });

  // Search indexes a page's text as the elements' texts run together (Pagefind adds no space between them); without
  // whitespace between items the coverage list read "…$499 glassesMeridian Wire…" in search excerpts.
  it('keeps each coverage item’s headline and the next outlet’s name apart in the page text', () => {
    const glued = problemsOnEveryPage((document) => {
      const list = DomUtils.findOne((element) => element.name === 'dl' && element.attribs['class'] === 'outlets', document.children);
      if (!list) return [];
      const items = list.children.filter((node): node is Element => node.type === 'tag');
      return items.slice(0, -1).filter((item) => !/\s$/.test(DomUtils.textContent(item))).map((item) => `"${text(item)}" runs into what follows`);
    });
    expect(glued).toEqual([]);
    expect(pages.some(({ document }) => DomUtils.findOne((element) => element.attribs['class'] === 'outlets', document.children))).toBe(true);
  });

  it('shows a story’s timeline in time order, the first report marked, and what its articles share', () => {
    const stories = pages.filter((page) => page.file.startsWith('stories/') && elements(page.document, 'ol').some((list) => list.attribs['class'] === 'timeline'));
    const biggest = stories.map(({ document }) => DomUtils.findAll((element) => element.attribs['class'] === 'timeline', document.children)[0]!)
      .sort((a, b) => DomUtils.getElementsByTagName('li', b).length - DomUtils.getElementsByTagName('li', a).length)[0]!;
    const entries = DomUtils.getElementsByTagName('li', biggest);
    expect(entries.length).toBeGreaterThan(5);
    const times = entries.map((entry) => Date.parse(elements(entry as unknown as Document, 'time')[0]!.attribs['datetime']!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(text(entries[0]!)).toMatch(/first report/);
    expect(entries.slice(1).filter((entry) => /first report/.test(text(entry)))).toEqual([]);
    const shared = pages.filter((page) => page.file.startsWith('stories/') && DomUtils.findAll((element) => element.attribs['class'] === 'shared', page.document.children).length > 0);
    expect(shared.length).toBeGreaterThan(5);
  });

  it('groups the sources page by outlet, one row group per outlet', () => {
    const sources = pages.find((page) => page.file === 'sources/index.html')!.document;
    const groups = DomUtils.findAll((element) => element.attribs['scope'] === 'rowgroup', sources.children).map(text);
    expect(groups).toContain('Meridian Wire');
    expect(new Set(groups).size).toBe(groups.length);
    expect(groups.length).toBe(10);
  });

  it('names every "Full coverage" link by the story it leads to', () => {
    expect(problemsOnEveryPage((document) => elements(document, 'a').filter((link) => link.attribs['class'] === 'coverage-link')
      .filter((link) => !(link.attribs['aria-label'] ?? '').startsWith(text(link)) || (link.attribs['aria-label'] ?? '').length <= text(link).length + 5)
      .map((link) => `coverage link "${text(link)}" named "${link.attribs['aria-label'] ?? ''}"`))).toEqual([]);
  });
});
