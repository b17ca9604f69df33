// Fetches feeds politely: global and per-host concurrency limits, timeouts, a size cap, manual redirects and
// conditional GET. It returns what happened in plain data; deciding what that means for the feed is the caller's job.
import { userAgent } from '../paths.ts';

export interface FetchLimits {
  concurrency: number;
  perHost: number;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const defaultFetchLimits: FetchLimits = {
  concurrency: 16,
  perHost: 2,
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
};

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchResult =
  | { kind: 'ok'; url: string; status: number; body: Uint8Array; contentType: string | null; etag: string | null;
      lastModified: string | null; maxAgeSeconds: number | null; permanentUrl: string | null }
  | { kind: 'not-modified'; url: string; status: 304; maxAgeSeconds: number | null; permanentUrl: string | null }
  | { kind: 'gone'; url: string; status: 410 }
  | { kind: 'error'; url: string; status: number | null; error: string; retryAfterSeconds: number | null };

/** Limits concurrent work overall and per host, so one slow server never holds the whole run. */
export class FetchScheduler {
  readonly #limits: FetchLimits;
  #active = 0;
  readonly #perHost = new Map<string, number>();
  readonly #waiting: { host: string; start: () => void }[] = [];

  constructor(limits: FetchLimits) {
    this.#limits = limits;
  }

  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#active++;
        this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + 1);
        task().then(resolve, reject).finally(() => {
          this.#active--;
          this.#perHost.set(host, (this.#perHost.get(host) ?? 1) - 1);
          this.#next();
        });
      };
      this.#waiting.push({ host, start });
      this.#next();
    });
  }

  #next(): void {
    for (let index = 0; index < this.#waiting.length && this.#active < this.#limits.concurrency; ) {
      const candidate = this.#waiting[index]!;
      if ((this.#perHost.get(candidate.host) ?? 0) < this.#limits.perHost) {
        this.#waiting.splice(index, 1);
        candidate.start();
      } else {
        index++;
      }
    }
  }
}

export async function fetchFeed(request: FetchRequest, limits: FetchLimits = defaultFetchLimits): Promise<FetchResult> {
  const deadline = AbortSignal.timeout(limits.totalTimeoutMs);
  const seen = new Set<string>();
  let url = request.url;
  let permanentUrl: string | null = null;
  let everyHopPermanent = true;

  try {
    for (let hop = 0; ; hop++) {
      if (seen.has(url)) return failure(url, null, `redirect loop at ${url}`);
      seen.add(url);
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
      };
      // Validators only make sense for the URL they were given for.
      if (hop === 0 && request.etag) headers['if-none-match'] = request.etag;
      if (hop === 0 && request.lastModified) headers['if-modified-since'] = request.lastModified;

      const response = await fetch(url, { headers, redirect: 'manual', signal: deadline });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) return failure(url, response.status, `redirect ${response.status} without a Location header`);
        if (hop + 1 > limits.maxRedirects) return failure(url, response.status, `more than ${limits.maxRedirects} redirects`);
        everyHopPermanent &&= response.status === 301 || response.status === 308;
        url = new URL(location, url).href;
        if (everyHopPermanent) permanentUrl = url;
        continue;
      }

      const maxAgeSeconds = parseMaxAge(response.headers.get('cache-control'));
      if (response.status === 304) {
        await response.body?.cancel();
        return { kind: 'not-modified', url, status: 304, maxAgeSeconds, permanentUrl };
      }
      if (response.status === 410) {
        await response.body?.cancel();
        return { kind: 'gone', url, status: 410 };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { ...failure(url, response.status, `HTTP ${response.status} ${response.statusText}`.trim()),
          retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) };
      }
      const body = await readCapped(response, limits.maxBytes);
      if (body === null) return failure(url, response.status, `response larger than ${Math.round(limits.maxBytes / 1048576)} MB`);
      return {
        kind: 'ok', url, status: response.status, body,
        contentType: response.headers.get('content-type'),
        etag: response.headers.get('etag'),
        lastModified: response.headers.get('last-modified'),
        maxAgeSeconds, permanentUrl,
      };
    }
  } catch (error) {
    return failure(url, null, describeNetworkError(error, limits));
  }
}

function failure(url: string, status: number | null, error: string): Extract<FetchResult, { kind: 'error' }> {
  return { kind: 'error', url, status, error, retryAfterSeconds: null };
}

/** Reads the body, giving up as soon as it passes the cap so an endless response costs bounded memory. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => {});
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseMaxAge(cacheControl: string | null): number | null {
  const match = cacheControl?.match(/max-age=(\d+)/i);
  return match ? Number(match[1]) : null;
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now) / 1000));
}

function describeNetworkError(error: unknown, limits: FetchLimits): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${limits.totalTimeoutMs / 1000} s`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  return err.cause?.message ?? err.message;
}
