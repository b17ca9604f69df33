// The site's own copies of story pictures: each image URL is fetched once through the feed fetcher (its limits and
// network policy), checked and cut down with sharp into two WebP sizes, and kept in a cache folder beside the store
// between builds; the build links the copies into the site. Readers' browsers then never call the outlets' image
// hosts, and a dead host costs the story its picture, nothing more.
import { createHash } from 'node:crypto';
import { fileErrorReason } from '../file-errors.ts';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStore } from '../store/store.ts';
import { articlesByStory, liveStories } from '../store/site-reads.ts';
import { fetchFeed, FetchScheduler } from '../ingest/fetch.ts';
import type { FetchLimits } from '../ingest/fetch.ts';
import { imageSizes, storyImageCandidates } from './story-image.ts';
import type { ImageMode } from './story-image.ts';

/** What pages need to know: the mode, and in local mode the image URLs that have a copy, each by its file key. */
export interface ImageManifest {
  mode: ImageMode;
  /** Image URL → file key; the files are `images/<key>-<width>.webp` under the site. */
  local: Record<string, string>;
}

export interface ImageOptions {
  storePath: string;
  allowPrivateAddresses: boolean;
  /** Where copies are kept between builds; default `<store>.images` beside the store. */
  cacheDir?: string;
  /** Stop starting fetches after this long; what is left is tried by the next build (default 60 s). */
  budgetMs?: number;
  limits?: Partial<FetchLimits>;
  /** One line per note; console.error by default. */
  log?: (line: string) => void;
}

export interface ImageSummary {
  manifest: ImageManifest;
  cacheDir: string;
  fetched: number;
  cached: number;
  skipped: number;
  /** Candidates not tried because their host could not be reached earlier in this build. */
  unreachable: number;
  /** Candidates not tried because the time budget ran out: the next build tries them. */
  deferred: number;
}

/*
 * Limits for one image, stricter than a feed's: a picture is worth less than a feed and a build should not wait on it.
 * 8 MB covers any news photo (a 4000×3000 JPEG is 2-5 MB); 40 megapixels stops decompression bombs before decoding
 * (sharp's own default is 268 MP); pictures under 100×60 are icons, logos or tracking pixels, not photographs.
 */
const imageLimits: FetchLimits = { concurrency: 8, perHost: 2, connectTimeoutMs: 5_000, totalTimeoutMs: 15_000, maxBytes: 8 * 1024 * 1024, maxRedirects: 5 };
const MAX_PIXELS = 40_000_000;
const MIN_SIZE = { width: 100, height: 60 };
/** A failed image is tried again after a day: hosts come back, and a URL that 404s today may not tomorrow. */
const RETRY_FAILED_MS = 24 * 3600_000;
/**
 * A host that could not be reached (not found, refused, no connection) is not asked again for an hour, by any build:
 * each ask of a dead host costs a DNS lookup or a connect timeout (5 s stalls were seen on this machine's resolver),
 * and a site rebuilt every 15 minutes should not pay that each time.
 */
const RETRY_HOST_MS = 3600_000;
const HOSTS_FILE = 'unreachable-hosts.json';
/** Only this many failure lines are printed per build; the rest are counted. */
const MAX_NOTES = 10;
const RASTER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
const ENTRY = /^[0-9a-f]{32}(?:\.json|-\d+\.webp)$/;

/** The cache folder of a store: `<store>.images`, beside it. */
export const imageCacheDir = (storePath: string) => `${storePath}.images`;

/** The file key of an image URL: the first 128 bits of its SHA-256, hex. */
export const imageKey = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 32);

type CacheRecord = { url: string; ok: true; at: string } | { url: string; ok: false; reason: string; at: string };

/**
 * Makes sure every live story's picture has a local copy if one can be had: for each story, its candidates
 * (story-image.ts) in order until one is in the cache or fetched and converted; a candidate that failed within the
 * last day is passed over. Never throws for a bad image: a failed fetch, a body that is not an image, too large, too
 * small or undecodable is skipped with a one-line note (the first MAX_NOTES of them). A host that cannot be reached
 * is not asked again for an hour (RETRY_HOST_MS; `unreachable-hosts.json` in the cache). Cache entries no story uses
 * any more are deleted (only files this module names: `<key>.json`, `<key>-<width>.webp`). Returns the manifest the
 * pages read.
 */
export async function prepareImages(options: ImageOptions): Promise<ImageSummary> {
  const cacheDir = options.cacheDir ?? imageCacheDir(options.storePath);
  const log = options.log ?? ((line: string) => console.error(line));
  const limits = { ...imageLimits, ...options.limits };
  const deadline = performance.now() + (options.budgetMs ?? 60_000);
  const candidatesOfStories = await readCandidates(options.storePath);
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot use the picture cache ${cacheDir}: ${fileErrorReason(error)} (or build with --images hotlink or off)`);
  }

  const summary: ImageSummary = { manifest: { mode: 'local', local: {} }, cacheDir, fetched: 0, cached: 0, skipped: 0, unreachable: 0, deferred: 0 };
  const deadHosts = readDeadHosts(cacheDir);
  const inFlight = new Map<string, Promise<boolean>>();
  const scheduler = new FetchScheduler(limits);
  let notes = 0;
  const note = (line: string) => {
    if (notes++ < MAX_NOTES) log(`images: ${line}`);
  };

  /** True when url has a copy in the cache now (found there, or fetched and converted by this call). */
  const obtain = (url: string): Promise<boolean> => {
    const key = imageKey(url);
    const known = readRecord(cacheDir, key);
    if (known?.ok && hasFiles(cacheDir, key)) {
      summary.cached++;
      return Promise.resolve(true);
    }
    if (known && !known.ok && Date.now() - Date.parse(known.at) < RETRY_FAILED_MS) return Promise.resolve(false);
    const host = new URL(url).host;
    if (deadHosts.has(host)) {
      summary.unreachable++;
      return Promise.resolve(false);
    }
    let running = inFlight.get(url);
    if (!running) {
      running = scheduler.run(host, async () => {
        if (deadHosts.has(host)) {
          summary.unreachable++;
          return false;
        }
        if (performance.now() > deadline) {
          summary.deferred++;
          return false;
        }
        const failure = await fetchAndConvert(url, cacheDir, key, limits, options.allowPrivateAddresses);
        if (failure === null) {
          summary.fetched++;
          writeRecord(cacheDir, key, { url, ok: true, at: new Date().toISOString() });
          return true;
        }
        summary.skipped++;
        note(`skipped ${url}: ${failure.reason}`);
        if (failure.hostDown) deadHosts.set(host, { reason: failure.reason, at: new Date().toISOString() });
        else writeRecord(cacheDir, key, { url, ok: false, reason: failure.reason, at: new Date().toISOString() });
        return false;
      });
      inFlight.set(url, running);
    }
    return running;
  };

  await Promise.all(candidatesOfStories.map(async (candidates) => {
    for (const url of candidates) {
      if (await obtain(url)) {
        summary.manifest.local[url] = imageKey(url);
        return;
      }
    }
  }));
  if (notes > MAX_NOTES) log(`images: ... and ${notes - MAX_NOTES} more skipped`);
  writeJson(join(cacheDir, HOSTS_FILE), Object.fromEntries(deadHosts));
  pruneCache(cacheDir, new Set(candidatesOfStories.flat().map(imageKey)));
  return summary;
}

/**
 * Puts the copies the manifest names into `<siteDir>/images/`: hard links to the cache when it shares a file system
 * with the site (no bytes copied, and the site swap deletes only the links), else copies.
 */
export function publishImages(manifest: ImageManifest, cacheDir: string, siteDir: string): number {
  const keys = new Set(Object.values(manifest.local));
  if (keys.size === 0) return 0;
  const target = join(siteDir, 'images');
  mkdirSync(target, { recursive: true });
  for (const key of keys) {
    for (const name of fileNames(key)) {
      try {
        linkSync(join(cacheDir, name), join(target, name));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // A copy deleted from the cache since it was checked costs its picture (the page's img removes itself), not the build.
        if (code === 'ENOENT') continue;
        copyFileSync(join(cacheDir, name), join(target, name));
      }
    }
  }
  return keys.size;
}

function fileNames(key: string): string[] {
  return Object.values(imageSizes).map(([width]) => `${key}-${width}.webp`);
}

function hasFiles(cacheDir: string, key: string): boolean {
  return fileNames(key).every((name) => existsSync(join(cacheDir, name)));
}

async function readCandidates(storePath: string): Promise<string[][]> {
  return readStore(storePath, async (store) => {
    const articles = await articlesByStory(store);
    return (await liveStories(store)).map((story) => storyImageCandidates(story.leadArticleId, articles.get(story.id) ?? []))
      .filter((candidates) => candidates.length > 0);
  });
}

/** Hosts found unreachable within the last hour (by this build or an earlier one), with why and when. */
function readDeadHosts(cacheDir: string): Map<string, { reason: string; at: string }> {
  let known: Record<string, { reason: string; at: string }> = {};
  try {
    known = JSON.parse(readFileSync(join(cacheDir, HOSTS_FILE), 'utf8')) as typeof known;
  } catch {
    // none yet, or half written by a killed build: every host gets asked again
  }
  return new Map(Object.entries(known).filter(([, entry]) => Date.now() - Date.parse(entry.at) < RETRY_HOST_MS));
}

function readRecord(cacheDir: string, key: string): CacheRecord | null {
  try {
    return JSON.parse(readFileSync(join(cacheDir, `${key}.json`), 'utf8')) as CacheRecord;
  } catch {
    return null; // no record yet, or one a killed build left half written: either way, fetch again
  }
}

/** Written last and by rename, so a record says "ok" only once both files are complete. */
function writeRecord(cacheDir: string, key: string, record: CacheRecord): void {
  writeJson(join(cacheDir, `${key}.json`), record);
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

/** Reasons that say the host, not the image, failed: the rest of its images would fail the same way. */
const HOST_DOWN = /^(host not found|connection refused|could not connect|host unreachable|the connection timed out|refused: )/;

async function fetchAndConvert(url: string, cacheDir: string, key: string, limits: FetchLimits,
  allowPrivateAddresses: boolean): Promise<{ reason: string; hostDown: boolean } | null> {
  const response = await fetchFeed({ url, accept: 'image/avif, image/webp, image/jpeg, image/png, image/gif;q=0.8, */*;q=0.1' },
    limits, { allowPrivateAddresses });
  if (response.kind !== 'ok') {
    const reason = response.kind === 'gone' ? 'HTTP 410 Gone' : response.kind === 'not-modified' ? 'HTTP 304 without a request for it' : response.error;
    return { reason, hostDown: response.kind === 'error' && HOST_DOWN.test(reason) };
  }
  const type = response.contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  // Some servers label images application/octet-stream or nothing at all; the decoder decides for those.
  if (type && !type.startsWith('image/') && type !== 'application/octet-stream' && type !== 'binary/octet-stream') {
    return { reason: `not an image (${type})`, hostDown: false };
  }
  try {
    await convert(Buffer.from(response.body), cacheDir, key);
    return null;
  } catch (error) {
    return { reason: error instanceof ImageRejected ? error.message : `could not be decoded (${(error as Error).message.split('\n')[0]})`, hostDown: false };
  }
}

class ImageRejected extends Error {}

/** Checks the bytes are a raster picture of sensible size and writes both WebP sizes (EXIF rotation applied, metadata dropped). */
async function convert(bytes: Buffer, cacheDir: string, key: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  // animated: false reads the first frame of a GIF or animated WebP; failOn 'error' refuses truncated files.
  const input = () => sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', animated: false });
  let metadata;
  try {
    metadata = await input().metadata();
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) throw new ImageRejected(`too large (over ${MAX_PIXELS / 1e6} megapixels)`);
    throw new ImageRejected(`not an image sharp can read (${message.split('\n')[0]})`);
  }
  if (!metadata.format || !RASTER_FORMATS.has(metadata.format)) throw new ImageRejected(`not a photograph format (${metadata.format ?? 'unknown'})`);
  const width = metadata.autoOrient?.width ?? metadata.width ?? 0;
  const height = metadata.autoOrient?.height ?? metadata.height ?? 0;
  if (width < MIN_SIZE.width || height < MIN_SIZE.height) throw new ImageRejected(`too small to show (${width}×${height})`);
  if (width * height > MAX_PIXELS) throw new ImageRejected(`too large (${width}×${height})`);
  for (const [w, h] of Object.values(imageSizes)) {
    const path = join(cacheDir, `${key}-${w}.webp`);
    // 'attention' crops to the most salient part (skin, saturated colour, edges) rather than the centre.
    await input().rotate().resize(w, h, { fit: 'cover', position: 'attention' }).webp({ quality: 72 }).toFile(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
  }
}

/** Deletes cache entries of URLs no story offers any more, and leftovers of a killed build; nothing else. */
function pruneCache(cacheDir: string, wanted: ReadonlySet<string>): void {
  for (const name of readdirSync(cacheDir)) {
    const isTemporary = name.endsWith('.tmp') && ENTRY.test(name.slice(0, -4));
    if (!isTemporary && !(ENTRY.test(name) && !wanted.has(name.slice(0, 32)))) continue;
    rmSync(join(cacheDir, name), { force: true });
  }
}
