// The demo site in a real browser: Debian's Chromium driven by playwright-core against `wirefold serve`. Pages are
// reached by following links the way a reader would, must load without console errors or failed requests, pass
// axe-core with no serious or critical violations in light and dark schemes, and are saved as full-page screenshots
// (light, dark, phone) under test-results/browser/ for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, devices } from 'playwright-core';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { repoRoot, runWirefold, tempFolder } from '../helpers.ts';
import { buildDemoSite, demoBuildTimeoutMs, serveSite } from '../demo-site.ts';
import { relativePhrase } from '../../src/site/relative-time.ts';
import type { DemoSite, RunningServer } from '../demo-site.ts';

const screenshots = join(repoRoot, 'test-results', 'browser');
const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Debian's Chromium; without it, the test says what to install instead of failing with a raw spawn error. */
function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('the browser test needs Chromium: install it with "apt-get install chromium" (Debian), then run npm test again');
  }
}

let site: DemoSite;
let server: RunningServer | undefined;
let browser: Browser | undefined;

type Scheme = 'light' | 'dark';

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors, failed or erroring requests, any request to another host (pictures included). */
  problems: string[];
  /** The page's requests that have not finished or failed yet, and when the last one started or ended. */
  traffic: { pending: Set<Request>; lastChange: number };
}

/**
 * Opens path in a fresh context (light or dark, desktop or phone) and records everything that goes wrong; on the demo
 * site's server unless told another (on: a copy of the site that a test changes).
 */
async function open(path: string, options: {
  scheme?: Scheme; phone?: boolean; status?: number; on?: RunningServer;
  /** Called with the page before it is loaded (to route its requests). */
  prepare?: (page: Page) => Promise<unknown>;
} = {}): Promise<Visit> {
  const context = await browser!.newContext({
    ...(options.phone ? devices['Pixel 7'] : { viewport: { width: 1280, height: 900 } }),
    colorScheme: options.scheme ?? 'light',
    // axe is injected as a script tag; a strict Content-Security-Policy on the page must not stop the audit.
    bypassCSP: true,
  });
  const visit: Visit = { page: await context.newPage(), context, problems: [], traffic: { pending: new Set(), lastChange: Date.now() } };
  const served = options.on ?? server!;
  const origin = new URL(served.url).origin;
  const target = new URL(path, served.url).href;
  const expectedStatus = options.status ?? 200;
  // The site serves its own copies of pictures: a reader's browser never calls an outlet's host, for anything.
  await context.route((url) => url.origin !== origin, async (route) => {
    visit.problems.push(`request to another host: ${route.request().resourceType()} ${route.request().url()}`);
    return route.abort();
  });
  const { page, problems, traffic } = visit;
  const track = (started: boolean) => (request: Request) => {
    if (started) traffic.pending.add(request);
    else traffic.pending.delete(request);
    traffic.lastChange = Date.now();
  };
  page.on('request', track(true));
  page.on('requestfinished', track(false));
  page.on('requestfailed', track(false));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs the expected 404 of the 404 page's own document as a console error too.
    if (expectedStatus !== 200 && message.location().url === target && /status of \d+/.test(message.text())) return;
    problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin === origin) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !(response.url() === target && response.status() === expectedStatus)) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  await options.prepare?.(page);
  const response = await page.goto(target, { waitUntil: 'load' });
  expect(response?.status(), target).toBe(expectedStatus);
  return visit;
}

/** The search shard that holds a page ("/stories/x/"), as the build manifest records it (src/site/search-shards.ts). */
function shardOf(path: string): string | undefined {
  const search = (JSON.parse(readFileSync(join(site.dist, '.wirefold-build.json'), 'utf8')) as { search: Record<string, Record<string, string>> }).search;
  return Object.keys(search).find((shard) => `${path.replace(/^\//, '')}index.html` in search[shard]!);
}

/** The demo site's story shards, as the build manifest records them. */
function storyShards(): string[] {
  const search = (JSON.parse(readFileSync(join(site.dist, '.wirefold-build.json'), 'utf8')) as { search: Record<string, unknown> }).search;
  return Object.keys(search).filter((shard) => shard.startsWith('stories-'));
}

/** A copy of the demo site in a fresh folder, served on its own: for a test that breaks or rebuilds its files. */
async function servedCopy(): Promise<{ dist: string; server: RunningServer }> {
  const dist = join(tempFolder(), 'dist');
  cpSync(site.dist, dist, { recursive: true });
  return { dist, server: await serveSite({ ...site, dist }) };
}

/** Runs work on a served copy of the demo site (servedCopy), and stops its server whatever happens. */
async function withServedCopy(work: (copy: { dist: string; server: RunningServer }) => Promise<void>): Promise<void> {
  const copy = await servedCopy();
  try {
    await work(copy);
  } finally {
    await copy.server.stop();
  }
}

/**
 * The search page of a served copy, searching query, as it is before a build: its index version 'before-a-build' (a
 * test sets 'after-a-build' for the build) and its check interval 0, so its next search asks the site.
 */
function openBeforeBuild(copy: { dist: string; server: RunningServer }, query: string): Promise<Visit> {
  setSearchAttribute(copy.dist, 'recheck-seconds', '0');
  setSearchAttribute(copy.dist, 'index', 'before-a-build');
  return open(`/search/?q=${encodeURIComponent(query)}`, { on: copy.server });
}

/** The merged shards a search page's HTML lists (its data-merged attribute). */
function mergedShards(html: string): string[] {
  return JSON.parse(/data-merged="([^"]*)"/.exec(html)![1]!.replaceAll('&quot;', '"')) as string[];
}

/** Rewrites the search page in dist to list the merged shards change(listed) returns, as a build would write it. */
function listShards(dist: string, change: (merged: string[]) => string[]): void {
  const file = join(dist, 'search', 'index.html');
  const html = readFileSync(file, 'utf8');
  const listed = /data-merged="[^"]*"/.exec(html);
  expect(listed, 'the search page lists its shards').not.toBeNull();
  writeFileSync(file, html.replace(listed![0], `data-merged="${JSON.stringify(change(mergedShards(html))).replaceAll('"', '&quot;')}"`));
}

/** Rewrites one data- attribute of the search page's #search element in dist (it must be there), as a build would. */
function setSearchAttribute(dist: string, name: string, value: string): void {
  const file = join(dist, 'search', 'index.html');
  const html = readFileSync(file, 'utf8');
  const attribute = new RegExp(` data-${name}="[^"]*"`).exec(html);
  expect(attribute, `the search page has data-${name}`).not.toBeNull();
  writeFileSync(file, html.replace(attribute![0], ` data-${name}="${value}"`));
}

/** The result links' paths on a search page. */
const resultPaths = (page: Page) => page.locator('.search-result-title a')
  .evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname));

/** Waits for the page to settle, then fails on anything it recorded; always closes the context. */
/**
 * Waits until the page has had no request in flight for 500 ms, as Playwright's own request events count them, but
 * for requests `expected` says may never end: what waitForLoadState('networkidle') waits for, without those. A request
 * from Pagefind's web worker that is in flight when the page ends that worker (Pagefind's destroy, to open the index
 * again) never gets its end event, so Chromium's network never went idle for Playwright (a 30 s timeout, about one run
 * in two), though the page had its answer: the missing shard's 404.
 */
async function trafficSettled(visit: Visit, expected: (url: string) => boolean = () => false): Promise<void> {
  const settled = () => [...visit.traffic.pending].every((request) => expected(request.url())) && Date.now() - visit.traffic.lastChange >= 500;
  await expect.poll(settled, { timeout: 30_000, interval: 100 }).toBe(true);
}

/**
 * Searches again for what the box holds (Enter) and waits until the status line reads `answer`. The line is emptied
 * first, so that its answer coming back means this search ran, its check of the site included (a search asks the site
 * before it searches). Waiting for the network to go idle did not do: the page had been idle already, the wait
 * returned at once, and a check was sometimes counted after the test's assertion.
 */
async function searchAgainUntil(page: Page, answer: RegExp): Promise<void> {
  const status = page.locator('#search-status');
  await status.evaluate((element) => { element.textContent = ''; });
  await page.getByRole('searchbox', { name: 'Search stories and topics' }).press('Enter');
  await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(answer);
}

async function finish(visit: Visit): Promise<void> {
  try {
    await visit.page.waitForLoadState('networkidle');
    expect(visit.problems, visit.page.url()).toEqual([]);
  } finally {
    await visit.context.close();
  }
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeScript });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}: ` +
      violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | '));
}

/** The whole page, and its first screen apart (a long page's full screenshot is too tall to read at a glance). */
async function screenshot(page: Page, name: string): Promise<void> {
  // One image pixel per CSS pixel keeps phone screenshots (device scale 2.6) small and quick to write.
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true, scale: 'css' });
  await page.screenshot({ path: join(screenshots, `${name}-first-screen.png`), scale: 'css' });
}

/** The page in light and dark schemes and on a phone: screenshots, axe in both schemes, nothing wider than a phone. */
async function checkEverywhere(path: string, name: string, status = 200, readySelector?: string): Promise<void> {
  const ready = async (visit: Visit) => {
    if (readySelector) await visit.page.locator(readySelector).first().waitFor({ timeout: 30_000 });
  };
  for (const scheme of ['light', 'dark'] as const) {
    const visit = await open(path, { scheme, status });
    await ready(visit);
    await screenshot(visit.page, `${name}-${scheme}`);
    expect(await seriousAxeViolations(visit.page), `${path} in ${scheme}`).toEqual([]);
    if (scheme === 'light') {
      // Cumulative layout shift as Chromium measures it; 0.1 is the "good" threshold of Core Web Vitals.
      expect(await layoutShift(visit.page), `${path} layout shift`).toBeLessThan(0.1);
    }
    if (scheme === 'dark') {
      // prefers-color-scheme: dark must give a dark page, not only dark-mode-safe colours.
      const background = await bodyBackground(visit.page);
      expect(luminance(background), `${path} body background in dark mode: ${background}`).toBeLessThan(0.2);
    }
    await finish(visit);
  }
  const phone = await open(path, { phone: true, status });
  await ready(phone);
  await screenshot(phone.page, `${name}-phone`);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${path} is wider than a phone screen by ${overflow} px`).toBeLessThanOrEqual(0);
  await finish(phone);
}

function layoutShift(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) total += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 300);
  }));
}

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour; transparent counts as white (the canvas). */
function luminance(color: string): number {
  const parts = color.match(/[\d.]+/g)?.map(Number) ?? [];
  if (parts.length < 3 || parts[3] === 0) return 1;
  const [r, g, b] = parts.slice(0, 3).map((channel) => {
    const value = channel / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Follows the first link matching selector on the page and returns the path it led to. */
async function follow(page: Page, selector: string): Promise<string> {
  const link = page.locator(selector).first();
  await expect.poll(() => link.count()).toBeGreaterThan(0);
  const before = page.url();
  await Promise.all([page.waitForURL((url) => url.href !== before), link.click()]);
  return new URL(page.url()).pathname;
}

describe('the demo site in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    const executablePath = chromiumPath();
    site = buildDemoSite();
    server = await serveSite(site);
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      timeout: 60_000,
    });
  }, demoBuildTimeoutMs + 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the home page with top stories, in light, dark and on a phone, with no serious axe violations', async () => {
    const visit = await open('/');
    await expect.poll(() => visit.page.locator('h1').count()).toBe(1);
    const storyLinks = await visit.page.locator('main a[href*="/stories/"]').count();
    expect(storyLinks).toBeGreaterThan(10);
    await finish(visit);
    await checkEverywhere('/', 'home');
  });

  it('switches theme with the toggle (system, light, dark) and remembers the choice on the next page', async () => {
    const visit = await open('/', { scheme: 'light' });
    const toggle = visit.page.locator('#theme-toggle');
    await expect.poll(() => toggle.innerText()).toMatch(/system/i);
    expect(luminance(await bodyBackground(visit.page))).toBeGreaterThan(0.5);
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toMatch(/light/i);
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toMatch(/dark/i);
    await expect.poll(async () => luminance(await bodyBackground(visit.page))).toBeLessThan(0.2);
    await visit.page.goto(new URL('/about/', server!.url).href);
    expect(luminance(await bodyBackground(visit.page)), 'the choice holds on the next page').toBeLessThan(0.2);
    expect(await seriousAxeViolations(visit.page), 'dark by choice on a light system').toEqual([]);
    await finish(visit);
  });

  it('follows a link from the home page to a story page with its coverage', async () => {
    const visit = await open('/');
    const path = await follow(visit.page, 'main a[href*="/stories/"]');
    expect(path).toMatch(/^\/stories\/[0-9a-f]{10}\/$/);
    await visit.page.waitForLoadState('load');
    expect((await visit.page.locator('h1').innerText()).trim()).not.toBe('');
    // The coverage links out to the outlets' articles.
    expect(await visit.page.locator('main a[href^="http"]').count()).toBeGreaterThan(0);
    await finish(visit);
    await checkEverywhere(path, 'story');
  });

  it('follows a topic chip from the home page to a topic page with its feeds', async () => {
    const visit = await open('/');
    const path = await follow(visit.page, 'main a[href*="/topics/"]');
    expect(path).toMatch(/^\/topics\/[a-z0-9-]+\/$/);
    await visit.page.waitForLoadState('load');
    expect(await visit.page.locator('main a[href*="/stories/"]').count()).toBeGreaterThan(0);
    // Every feed the page offers to subscribe to is served.
    const feeds = await visit.page.locator('link[rel="alternate"]').evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    expect(feeds.length).toBeGreaterThan(0);
    for (const feed of feeds) expect((await visit.page.request.get(feed)).status(), feed).toBe(200);
    await finish(visit);
    await checkEverywhere(path, 'topic');
  });

  it('follows every link of the site navigation to a page that loads cleanly and passes axe', async () => {
    const visit = await open('/');
    const paths = await visit.page.locator('header a[href^="/"], footer a[href^="/"]')
      .evaluateAll((links) => [...new Set(links.map((link) => new URL((link as HTMLAnchorElement).href).pathname))]);
    await finish(visit);
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths.filter((candidate) => candidate !== '/')) {
      const page = await open(path);
      expect(await page.page.locator('h1').count(), path).toBe(1);
      expect(await seriousAxeViolations(page.page), path).toEqual([]);
      await screenshot(page.page, `nav${path.replace(/\/+$/, '').replace(/\//g, '-')}-light`);
      await finish(page);
    }
  });

  it('searches from the header box, shows Pagefind results and follows one to its story', async () => {
    const visit = await open('/');
    const box = visit.page.getByRole('searchbox', { name: 'Search stories and topics' });
    await box.fill('Zuckerberg antitrust');
    await Promise.all([visit.page.waitForURL(/\/search\/\?q=/), box.press('Enter')]);
    const results = visit.page.locator('.search-result-title a');
    await results.first().waitFor({ timeout: 30_000 });
    expect(await results.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Meta|Zuckerberg|antitrust/i)]));
    const path = await follow(visit.page, '.search-result-title a');
    expect(path).toMatch(/^\/(stories|topics)\/[a-z0-9-]+\/$/);
    await finish(visit);
    // Typing into the search page's own box searches as the reader types.
    const search = await open('/search/');
    await search.page.getByRole('searchbox', { name: 'Search stories and topics' }).fill('asteroid');
    await search.page.locator('.search-result-title a').first().waitFor({ timeout: 30_000 });
    await finish(search);
    await checkEverywhere('/search/?q=asteroid', 'search', 200, '.search-result-title a');
  });

  it('writes relative times in the browser from the absolute times in the HTML, and keeps them current', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    // A reader two days after the demo's newest news, then an hour and a minute later.
    await page.clock.install({ time: new Date('2026-11-22T12:00:00Z') });
    await page.goto(new URL('/', server!.url).href);
    const times = page.locator('time[data-relative]');
    expect(await times.count()).toBeGreaterThan(10);
    const read = () => times.evaluateAll((elements) => elements.map((element) =>
      ({ datetime: element.getAttribute('datetime')!, text: element.textContent!.trim(), title: element.getAttribute('title'),
        absolute: (element as HTMLElement).dataset['absolute'] ?? '' })));
    const expected = (time: { datetime: string; absolute: string }, at: string) =>
      relativePhrase(Date.parse(time.datetime), Date.parse(at)) ?? time.absolute;
    const before = await read();
    for (const time of before) {
      expect(time.text).toBe(expected(time, '2026-11-22T12:00:00Z'));
      expect(time.text).toMatch(/ago|just now/);
      expect(time.title, 'the absolute time stays at hand').toMatch(/UTC$/);
    }
    // The script runs again every minute, so a day and an hour later every phrase has followed the clock.
    await page.clock.runFor(25 * 3600_000);
    await expect.poll(async () => (await read()).every((time) => time.text === expected(time, '2026-11-23T13:00:00Z'))).toBe(true);
    expect((await read()).map((time) => time.text)).not.toEqual(before.map((time) => time.text));
    await context.close();
  });

  it('shows a story’s summary, timeline, what its articles share, and clean outlet names', async () => {
    const visit = await open('/');
    const outlets = await visit.page.locator('.story-card .outlet').allInnerTexts();
    expect(outlets).toContain('Meridian Wire');
    expect(outlets.filter((name) => /Top stories|:/.test(name))).toEqual([]);
    await follow(visit.page, '.story-card .coverage-link');
    const entries = visit.page.locator('ol.timeline li');
    expect(await entries.count()).toBeGreaterThan(1);
    expect(await entries.first().innerText()).toMatch(/first report/i);
    expect(await visit.page.locator('.shared li').count()).toBeGreaterThan(0);
    // "What happened": two or three sentences, each from another outlet, linked to its article.
    const sentences = visit.page.locator('ul.summary li');
    expect(await sentences.count()).toBeGreaterThanOrEqual(2);
    const attributions = await visit.page.locator('ul.summary .attribution a').allInnerTexts();
    expect(attributions.length).toBe(await sentences.count());
    expect(new Set(attributions).size).toBe(attributions.length);
    await screenshot(visit.page, 'story-timeline-light');
    await finish(visit);
  });

  it('shows story pictures from the site itself, with their size, and no broken image anywhere', async () => {
    const visit = await open('/');
    const origin = new URL(server!.url).origin;
    const cards = visit.page.locator('.story-card img.story-image');
    expect(await cards.count()).toBeGreaterThan(2);
    // The first cards' pictures are on the first screen and load at once; the rest wait until the reader scrolls.
    const loading = await visit.page.locator('.top .story-card').evaluateAll((elements) => elements
      .map((card, index) => ({ index, loading: card.querySelector('img')?.getAttribute('loading') })).filter((card) => card.loading));
    expect(loading.filter((card) => card.index < 3).every((card) => card.loading === 'eager')).toBe(true);
    expect(loading.filter((card) => card.index >= 3).every((card) => card.loading === 'lazy')).toBe(true);
    expect(loading.filter((card) => card.index >= 3).length).toBeGreaterThan(0);
    // Lazy pictures below the fold load as the reader scrolls; load them all to check every one.
    await visit.page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((image) => { (image as HTMLImageElement).loading = 'eager'; }));
    await visit.page.waitForLoadState('networkidle');
    const images = await visit.page.locator('img').evaluateAll((elements) => elements.map((element) => {
      const image = element as HTMLImageElement;
      return { src: image.currentSrc, alt: image.alt, width: image.getAttribute('width'), height: image.getAttribute('height'),
        loading: image.loading, complete: image.complete, naturalWidth: image.naturalWidth, shown: image.getBoundingClientRect().width };
    }));
    for (const image of images) {
      expect(new URL(image.src).origin, image.src).toBe(origin);
      expect(image.complete && image.naturalWidth > 0, `${image.src} loaded`).toBe(true);
      expect(image.alt.length, `${image.src} has alt text`).toBeGreaterThan(0);
      expect([image.width, image.height]).toEqual(['128', '72']);
      expect(image.shown).toBe(128);
    }
    await finish(visit);

    // A story page shows its picture large, and names it for link previews and search results.
    const story = await open('/');
    await follow(story.page, '.story-card:has(img.story-image) .coverage-link');
    const large = story.page.locator('.lead img.story-image');
    expect(await large.evaluate((image: HTMLImageElement) => [image.getAttribute('width'), image.getAttribute('height'), image.naturalWidth]))
      .toEqual(['320', '180', 640]);
    expect(await story.page.locator('meta[property="og:image"]').getAttribute('content')).toMatch(/\/images\/[0-9a-f]{32}-640\.webp$/);
    await finish(story);

    // Search results carry the story's picture too.
    const search = await open('/search/?q=Aquila');
    const resultImage = search.page.locator('.search-result-image').first();
    await resultImage.waitFor({ timeout: 30_000 });
    await expect.poll(() => resultImage.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(256);
    expect(new URL(await resultImage.evaluate((image: HTMLImageElement) => image.currentSrc)).origin).toBe(origin);
    await finish(search);
  });

  it('drops a picture that fails to load instead of showing a broken image', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(new URL('/', server!.url).href);
    const before = await page.locator('img.story-image').count();
    // The copy has gone from the server (a half-deployed site, a deleted file): the picture goes, the card stays.
    await page.locator('img.story-image').first().evaluate((image: HTMLImageElement) => { image.src = '/images/no-such-picture.webp'; });
    await expect.poll(() => page.locator('img.story-image').count()).toBe(before - 1);
    expect(await page.locator('.story-card').count()).toBeGreaterThan(before - 1);
    await context.close();
  });

  it('ranks the story with the widest coverage first when searching, with an excerpt that does not repeat its headline', async () => {
    const visit = await open('/search/?q=outage');
    const results = visit.page.locator('.search-result');
    await results.first().waitFor({ timeout: 30_000 });
    const title = await results.first().locator('.search-result-title a').innerText();
    expect(title).toMatch(/Meta/);
    const excerpt = await results.first().locator('.search-result-excerpt').innerText();
    expect(excerpt.startsWith(title)).toBe(false);
    await finish(visit);
  });

  it('searches every shard of the index in one go: a query finds its topic (topic shard) and its stories (a week of stories)', async () => {
    const visit = await open('/search/?q=outage');
    const links = visit.page.locator('.search-result-title a');
    await links.first().waitFor({ timeout: 30_000 });
    await expect.poll(() => links.count()).toBeGreaterThan(1);
    const paths = await links.evaluateAll((elements) => elements.map((element) => new URL((element as HTMLAnchorElement).href).pathname));
    const shards = paths.map(shardOf);
    expect(shards).not.toContain(undefined);
    expect(shards).toContain('topics');
    expect(shards.some((shard) => shard?.startsWith('stories-'))).toBe(true);
    // Merged shards rank together: the widest story about outages first, the Outages topic among the results.
    expect(paths[0]).toMatch(/^\/stories\//);
    expect(paths).toContain('/topics/outages/');
    await finish(visit);
  });

  it('lists no result that a shard without the word matched through a shorter prefix of it (Pagefind\'s backtracking)', async () => {
    const visit = await open('/search/?q=asteroid');
    const status = visit.page.locator('#search-status');
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/results? for “asteroid”/);
    const shown = await visit.page.locator('.search-result-title a')
      .evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname));
    // Pagefind itself, over the same merged shards (the page's own pagefind.js module), still returns the weak matches:
    // "asteroid" is in one week's shard only, and the topic shard answers with pages matched through "as".
    // (A string: vitest rewrites import() in a function's source, and this one must run as it stands in the page.)
    const raw = await visit.page.evaluate(`import('/pagefind/topics/pagefind.js')
      .then((pagefind) => pagefind.search('asteroid'))
      .then((found) => Promise.all(found.results.map((result) => result.data().then((data) => data.url))))`) as string[];
    expect(raw.map(shardOf)).toContain('topics');
    expect(raw.length).toBeGreaterThan(shown.length);
    // The page lists only the story pages with the word, each from a week's shard, each excerpt marking the word.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((path) => shardOf(path)?.startsWith('stories-'))).toBe(true);
    expect(raw.filter((path) => shardOf(path) === 'topics').some((path) => shown.includes(path))).toBe(false);
    const marks = await visit.page.locator('.search-result').evaluateAll((items) => items.map((item) =>
      [...item.querySelectorAll('.search-result-excerpt mark')].map((mark) => mark.textContent!.toLowerCase())));
    expect(marks.every((words) => words.some((word) => word.startsWith('asteroid')))).toBe(true);
    // The excerpt is text and <mark> elements only: nothing from a page's text becomes other markup.
    const excerptElements = await visit.page.locator('.search-result-excerpt *').evaluateAll((elements) => elements.map((element) => element.tagName));
    expect(excerptElements.every((tag) => tag === 'MARK')).toBe(true);
    await finish(visit);
  });

  it('keeps searching the shards that load when one is missing or unreadable, and says in one line that results may be missing', async () => {
    const notice = 'Some results may be missing: part of the search index could not be loaded.';
    await withServedCopy(async (copy) => {
      const [storyShard] = storyShards();
      // A shard the search page lists and the host does not have (an upload that failed): the week's stories are found.
      const absent = '/pagefind/stories-2020-W01/';
      listShards(copy.dist, (merged) => [absent, ...merged]);
      const missing = await open('/search/?q=asteroid', { on: copy.server });
      await expect.poll(() => missing.page.locator('#search-status').innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “asteroid”$/);
      const found = await resultPaths(missing.page);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((path) => shardOf(path) === storyShard)).toBe(true);
      await expect.poll(() => missing.page.locator('#search-notice').isVisible()).toBe(true);
      expect(await missing.page.locator('#search-notice').innerText()).toBe(notice);
      // A live region, so a screen reader announces it as it appears.
      expect(await missing.page.locator('#search-notice').getAttribute('role')).toBe('status');
      expect(await seriousAxeViolations(missing.page)).toEqual([]);
      await screenshot(missing.page, 'search-shard-missing');
      // Nothing went wrong but the missing shard (the browser logs its 404s).
      await trafficSettled(missing, (url) => url.includes(absent));
      expect(missing.problems.filter((problem) => !problem.includes(absent))).toEqual([]);
      await missing.context.close();

      // A shard whose result files are gone (an upload cut short), then one whose entry file is unreadable: its stories
      // are left out of the results, the topic shard still answers.
      const storyFolder = join(copy.dist, 'pagefind', storyShard!);
      const breakages = [
        () => rmSync(join(storyFolder, 'fragment'), { recursive: true }),
        () => writeFileSync(join(storyFolder, 'pagefind-entry.json'), '{"version":"1.6.0","langua'),
      ];
      for (const breakage of breakages) {
        breakage();
        const broken = await open('/search/?q=outage', { on: copy.server });
        await expect.poll(() => broken.page.locator('#search-status').innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “outage”$/);
        const topics = await resultPaths(broken.page);
        expect(topics).toContain('/topics/outages/');
        expect(topics.every((path) => shardOf(path) === 'topics')).toBe(true);
        await expect.poll(() => broken.page.locator('#search-notice').isVisible()).toBe(true);
        expect(await broken.page.locator('#search-notice').innerText()).toBe(notice);
        await broken.context.close();
      }

      // Without the primary shard (it carries Pagefind's code) there is no search: the page says so and does not hang.
      writeFileSync(join(copy.dist, 'pagefind', 'topics', 'pagefind-entry.json'), 'not JSON');
      const none = await open('/search/?q=outage', { on: copy.server });
      await expect.poll(() => none.page.locator('#search-status').innerText(), { timeout: 30_000 }).toBe('Search is unavailable right now; try again in a moment.');
      expect(await none.page.locator('.search-result').count()).toBe(0);
      // Once the host has the file again, searching again finds what is there.
      cpSync(join(site.dist, 'pagefind', 'topics', 'pagefind-entry.json'), join(copy.dist, 'pagefind', 'topics', 'pagefind-entry.json'));
      await none.page.getByRole('searchbox', { name: 'Search stories and topics' }).press('Enter');
      await expect.poll(() => none.page.locator('#search-status').innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “outage”$/);
      expect(await resultPaths(none.page)).toContain('/topics/outages/');
      await none.context.close();
    });
  });

  it('recovers a search page older than the site (a build moved a week to another shard): it searches the site\'s shards, before and after a reload', async () => {
    await withServedCopy(async (copy) => {
      const [storyShard] = storyShards();
      const moved = 'stories-2020-W01';
      // The page is from before the build and opens its index after it: the "build" runs first, and the page's first
      // load is answered with the search page as it was. (It used to hold pagefind.js back until the build was done;
      // with a request held, Chromium's network under load sometimes never went idle for Playwright: a 30 s timeout.)
      const before = readFileSync(join(copy.dist, 'search', 'index.html'), 'utf8');
      renameSync(join(copy.dist, 'pagefind', storyShard!), join(copy.dist, 'pagefind', moved));
      listShards(copy.dist, (merged) => merged.map((path) => path.replace(`/${storyShard}/`, `/${moved}/`)));
      const visit = await open('/search/?q=asteroid', {
        on: copy.server,
        prepare: (page) => page.route((url) => url.pathname.endsWith('/search/') && url.search === '?q=asteroid',
          (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: before }), { times: 1 }),
      });
      const { page } = visit;
      const status = page.locator('#search-status');
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “asteroid”$/);
      const found = await resultPaths(page);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((path) => shardOf(path) === storyShard)).toBe(true);
      // Every shard of the site's list loaded: nothing is missing, so no notice.
      expect(await page.locator('#search-notice').isVisible()).toBe(false);
      await trafficSettled(visit, (url) => url.includes(`/pagefind/${storyShard}/`));
      expect(visit.problems.filter((problem) => !problem.includes(`/pagefind/${storyShard}/`))).toEqual([]);
      // Reloaded, the page is the site's own: the same results, with no failed request at all.
      // The old page's requests still in flight (Pagefind's worker's, see trafficSettled) are aborted by the reload.
      const orphans = [...visit.traffic.pending].map((request) => request.url());
      visit.problems.length = 0;
      await page.reload({ waitUntil: 'load' });
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “asteroid”$/);
      expect(await resultPaths(page)).toEqual(found);
      expect(await page.locator('#search-notice').isVisible()).toBe(false);
      await trafficSettled(visit);
      expect(visit.problems.filter((problem) => !orphans.some((url) => problem.includes(`${url} (net::ERR_ABORTED)`)))).toEqual([]);
      await visit.context.close();
    });
  });

  it('finds what a build added while the page was open (a new week\'s shard, a shard indexed again under its name) at the next search after the check interval, without a reload', async () => {
    await withServedCopy(async (copy) => {
      const [storyShard] = storyShards();
      const shardFolder = join(copy.dist, 'pagefind', storyShard!);
      const builtShard = join(tempFolder(), storyShard!);
      cpSync(shardFolder, builtShard, { recursive: true });
      // The interval the page trusts an open index for, 300 s as built: 0 here, so the next search asks the site.
      setSearchAttribute(copy.dist, 'recheck-seconds', '0');
      const builtList = mergedShards(readFileSync(join(copy.dist, 'search', 'index.html'), 'utf8'));
      const searchAgain = async (visit: Visit) => {
        await searchAgainUntil(visit.page, /^\d+ results? for “asteroid”$/);
        const found = await resultPaths(visit.page);
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((path) => shardOf(path) === storyShard)).toBe(true);
        expect(await visit.page.locator('#search-notice').isVisible()).toBe(false);
      };
      const noResults = (visit: Visit) => expect.poll(() => visit.page.locator('#search-status').innerText(), { timeout: 30_000 })
        .toBe('No results for “asteroid”');

      // 1. The page opens its index before the week that holds "asteroid" exists (a newcomer's build then moved a
      // story into a new week); a build adds that week's shard to the site's list and the index's version changes.
      rmSync(shardFolder, { recursive: true });
      listShards(copy.dist, (merged) => merged.filter((path) => !path.includes(`/${storyShard}/`)));
      setSearchAttribute(copy.dist, 'index', 'before-the-new-week');
      const newWeek = await open('/search/?q=asteroid', { on: copy.server });
      await noResults(newWeek);
      cpSync(builtShard, shardFolder, { recursive: true });
      listShards(copy.dist, () => builtList);
      setSearchAttribute(copy.dist, 'index', 'with-the-new-week');
      await searchAgain(newWeek);
      await finish(newWeek);

      // 2. The page opens its index while the week's shard, under the same name, does not hold those stories yet (an
      // index without them: the topic shard's); a build indexes the shard again and the version changes, the list not.
      rmSync(shardFolder, { recursive: true });
      cpSync(join(copy.dist, 'pagefind', 'topics'), shardFolder, { recursive: true });
      setSearchAttribute(copy.dist, 'index', 'before-the-new-stories');
      const reindexed = await open('/search/?q=asteroid', { on: copy.server });
      await noResults(reindexed);
      const checks: string[] = [];
      reindexed.page.on('request', (request) => { if (new URL(request.url()).pathname === '/search/') checks.push(request.resourceType()); });
      rmSync(shardFolder, { recursive: true });
      cpSync(builtShard, shardFolder, { recursive: true });
      setSearchAttribute(copy.dist, 'index', 'with-the-new-stories');
      await searchAgain(reindexed);
      // One request for the site's search page, and no more.
      expect(checks).toEqual(['fetch']);
      await finish(reindexed);

      // As built, an index opened less than 300 s ago is searched as it is: a second search asks the site nothing.
      setSearchAttribute(copy.dist, 'recheck-seconds', '300');
      const fresh = await open('/search/?q=asteroid', { on: copy.server });
      await expect.poll(() => fresh.page.locator('#search-status').innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “asteroid”$/);
      const freshChecks: string[] = [];
      fresh.page.on('request', (request) => { if (new URL(request.url()).pathname === '/search/') freshChecks.push(request.resourceType()); });
      await searchAgain(fresh);
      expect(freshChecks).toEqual([]);
      await finish(fresh);
    });
  });

  it('says nothing is missing when "More results" is pressed as a search opens a newer index (the old list\'s results cannot load)', async () => {
    await withServedCopy(async (copy) => {
      const visit = await openBeforeBuild(copy, 'the');
      const { page } = visit;
      const status = page.locator('#search-status');
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^Showing the first 10 results for “the”$/);
      // A build: the next search opens the index again, and the reader presses "More results" as it does.
      setSearchAttribute(copy.dist, 'index', 'after-a-build');
      await page.getByRole('searchbox', { name: 'Search stories and topics' }).press('Enter');
      await page.getByRole('button', { name: 'More results' }).click();
      await page.waitForLoadState('networkidle');
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^Showing the first \d+ results for “the”$/);
      // Was: 'Some results may be missing' (the old list's data, from the destroyed index: 'Worker not initialized').
      expect(await page.locator('#search-notice').isVisible()).toBe(false);
      const links = await page.locator('.search-result-title a').evaluateAll((elements) => elements.map((element) => (element as HTMLAnchorElement).pathname));
      expect(new Set(links).size).toBe(links.length);
      await finish(visit);
    });
  });

  it('asks the site whether its index changed at the first search after the page is restored from the back/forward cache', async () => {
    // As built, an index opened less than 300 s ago is searched as it is; a page restored from the cache may be older.
    const visit = await open('/search/?q=asteroid');
    const { page } = visit;
    await expect.poll(() => page.locator('#search-status').innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “asteroid”$/);
    await page.waitForLoadState('networkidle');
    const checks: string[] = [];
    page.on('request', (request) => { if (new URL(request.url()).pathname === '/search/') checks.push(request.resourceType()); });
    // Playwright runs Chromium with the back/forward cache off, so the page gets the event a restore fires, as it fires it.
    const shownAgainThenSearch = async (persisted: boolean) => {
      await page.evaluate((restored) => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: restored })), persisted);
      await searchAgainUntil(page, /^\d+ results? for “asteroid”$/);
    };
    await shownAgainThenSearch(false);
    expect(checks).toEqual([]);
    await shownAgainThenSearch(true);
    expect(checks).toEqual(['fetch']);
    await finish(visit);
  });

  it('clears the result list when a search cannot open the site\'s newer index, under the line that says search is unavailable', async () => {
    await withServedCopy(async (copy) => {
      const visit = await openBeforeBuild(copy, 'outage');
      const { page } = visit;
      const status = page.locator('#search-status');
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^\d+ results? for “outage”$/);
      expect(await page.locator('.search-result').count()).toBeGreaterThan(0);
      // A build whose primary shard is not there whole yet: the next search finds a newer index and cannot open it.
      setSearchAttribute(copy.dist, 'index', 'after-a-build');
      writeFileSync(join(copy.dist, 'pagefind', 'topics', 'pagefind-entry.json'), 'not JSON');
      await page.getByRole('searchbox', { name: 'Search stories and topics' }).press('Enter');
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('Search is unavailable right now; try again in a moment.');
      // Was: the old index's results stayed under that line, read as the answer to the search that failed.
      expect(await page.locator('.search-result').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'More results' }).isVisible()).toBe(false);
      await visit.context.close();
    });
  });

  it('searches as one types with the keyboard, keeps ?q= in the address, loads more results and says when there are none', async () => {
    const visit = await open('/search/');
    const { page } = visit;
    // The box has the focus on arrival.
    await page.keyboard.type('the');
    const status = page.locator('#search-status');
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^Showing the first 10 results for “the”$/);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('the');
    const results = page.locator('.search-result');
    expect(await results.count()).toBe(10);
    // "More results" by keyboard: focused, then Enter.
    const more = page.getByRole('button', { name: 'More results' });
    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => results.count()).toBeGreaterThan(10);
    // The focus goes to the first result it added (the button, disabled while loading, loses it to the page's body).
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.search-result-title') != null)).toBe(true);
    expect(await page.evaluate(() => [...document.querySelectorAll('.search-result')].indexOf(document.activeElement!.closest('.search-result')!))).toBe(10);
    const links = await page.locator('.search-result-title a').evaluateAll((elements) => elements.map((element) => (element as HTMLAnchorElement).pathname));
    expect(new Set(links).size).toBe(links.length);
    // A word in no page: the list empties and the status says so.
    const box = page.getByRole('searchbox', { name: 'Search stories and topics' });
    await box.fill('xyzzyplugh');
    await box.press('Enter');
    await expect.poll(() => status.innerText()).toBe('No results for “xyzzyplugh”');
    expect(await results.count()).toBe(0);
    expect(await more.isVisible()).toBe(false);
    expect(new URL(page.url()).searchParams.get('q')).toBe('xyzzyplugh');
    await finish(visit);
  });

  // Pagefind cannot open an index with no page: the search page said "unavailable" over an uncaught Pagefind error.
  it('says there is nothing to search yet on a site with no story, with no error', async () => {
    const folder = tempFolder();
    const db = join(folder, 'store.db');
    expect(runWirefold(['feeds', 'add', 'http://127.0.0.1:9/feed.xml', '--db', db]).status).toBe(0);
    const dist = join(folder, 'site');
    expect(runWirefold(['build', '--db', db, '--out', dist]).status).toBe(0);
    const empty = await serveSite({ dist });
    try {
      const visit = await open('/search/?q=outage', { on: empty });
      await expect.poll(() => visit.page.locator('#search-status').innerText()).toBe('There is nothing to search yet: the site has no stories.');
      expect(await visit.page.getByRole('searchbox', { name: 'Search stories and topics' }).isDisabled()).toBe(true);
      await finish(visit);
    } finally {
      await empty.stop();
    }
  }, 120_000);

  it('answers an unknown address with the 404 page', async () => {
    const visit = await open('/no-such-page/', { status: 404 });
    expect(await visit.page.locator('h1').count()).toBe(1);
    expect(await visit.page.locator('main a[href="/"]').count(), 'a way back home').toBeGreaterThan(0);
    await finish(visit);
    await checkEverywhere('/no-such-page/', '404', 404);
  });
});
