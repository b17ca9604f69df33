// One HTTP(S) GET over node:http/https: a connect timeout kept apart from the deadline for the whole exchange, and a
// body decoded (gzip, deflate, br) and capped while it arrives, so a slow, endless or bomb-like body costs bounded time
// and memory; a body sent with a wrong Content-Encoding is read as sent.
/*
 * Why node:http rather than the global fetch: fetch (undici inside Node) offers no connect timeout without the npm
 * `undici` package's Agent, and its decoded body can only be capped after the web-stream layers. node:http gives the
 * socket's own 'connect' / 'secureConnect' events, keep-alive agents, and zlib streams we can count as they decode.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createUnzip, inflateRawSync } from 'node:zlib';
import { publicOnlyLookup, refuseNonPublicLiteral } from './address-policy.ts';

export interface HttpGetOptions {
  headers: Record<string, string>;
  /** From the first byte of DNS lookup to an established (TLS) connection; a reused keep-alive socket costs none. */
  connectTimeoutMs: number;
  /** Ends the whole exchange, body included, wherever it is. */
  signal: AbortSignal;
  /** Connect to loopback, private, link-local and other non-public addresses too; when false they are refused unconnected. */
  allowPrivateAddresses: boolean;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  header(name: string): string | null;
  /** The decoded body, or null when it (or its compressed form) passes maxBytes; reading stops right there. */
  readBody(maxBytes: number): Promise<Body | null>;
  /** Lets go of a body we do not want: drained when small so the connection is reused, else the socket is closed. */
  discard(): void;
}

/** Failures in words people understand; `code` lets the caller tell them apart. */
export class HttpGetError extends Error {
  override name = 'HttpGetError';
  readonly code: 'connect-timeout' | 'unsupported-encoding' | 'bad-encoding';
  constructor(code: HttpGetError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

// Keep-alive: the same hosts are asked again within a run (redirects, many feeds per host) and the next run.
// Idle sockets are unref'd by the agent, so they never keep the process alive.
// Each address policy has its own agents, so a socket opened while private addresses were allowed is never reused for
// a request made under the default policy. The guarded agents resolve names through publicOnlyLookup on every connect.
const agents = {
  guarded: {
    'http:': new http.Agent({ keepAlive: true, lookup: publicOnlyLookup }),
    'https:': new https.Agent({ keepAlive: true, lookup: publicOnlyLookup }),
  },
  open: { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) },
};

/** Bodies this small are read to the end after a discard so their connection can be reused. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * GETs url and resolves once the response head has arrived. Rejects with AddressRefusedError when the host is (or
 * resolves only to) a non-public address and private addresses are not allowed, with HttpGetError on a connect
 * timeout, and with Node's own network errors (ECONNREFUSED, ENOTFOUND, ...) otherwise.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  try {
    return await attempt(url, options);
  } catch (error) {
    // A keep-alive socket the server closed while we were picking it up: the GET never reached it, so ask once more
    // on a fresh connection (what Node's documentation advises for reused sockets).
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
      return attempt(url, options);
    }
    throw error;
  }
}

function attempt(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  const target = new URL(url);
  const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
  const client = protocol === 'https:' ? https : http;
  if (!options.allowPrivateAddresses) refuseNonPublicLiteral(target.hostname);
  const agent = agents[options.allowPrivateAddresses ? 'open' : 'guarded'][protocol];
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = client.get(target, { headers: options.headers, agent, signal: options.signal });
    request.once('socket', (socket: Socket) => {
      if (!socket.connecting) return; // a reused keep-alive connection
      const timer = setTimeout(() => {
        request.destroy(new HttpGetError('connect-timeout', `could not connect within ${seconds(options.connectTimeoutMs)}`));
      }, options.connectTimeoutMs);
      const settled = () => clearTimeout(timer);
      socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', settled);
      socket.once('close', settled);
    });
    request.once('error', (error) => {
      Object.assign(error, { reusedSocket: request.reusedSocket });
      reject(error);
    });
    request.once('response', (response) => resolve(wrap(response, options.signal)));
  });
}

function wrap(response: IncomingMessage, signal: AbortSignal): HttpResponse {
  const header = (name: string) => {
    const value = response.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    header,
    readBody: (maxBytes) => readCapped(response, header('content-encoding'), maxBytes, signal),
    discard() {
      const declared = Number(header('content-length') ?? NaN);
      if (response.complete || (Number.isFinite(declared) && declared <= DRAIN_LIMIT_BYTES)) response.resume();
      else response.destroy();
    },
  };
}

class TooLarge extends Error {}

/** A body as read: decoded, or as sent when its Content-Encoding was wrong (see readCapped). */
export interface Body {
  bytes: Buffer;
  /** The Content-Encoding the server named but did not apply, when the raw bytes were kept instead; else null. */
  encodingIgnored: string | null;
}

// node's pipeline takes any mix of streams and async generator stages; its typings cannot express a spread of decoders.
const pipelineOfAny = pipeline as (...stages: unknown[]) => Promise<void>;

/*
 * The wire bytes are read in one loop and handed to the decoders through a PassThrough, rather than piping the
 * response through the decoders, so that a decoder failing does not stop the reading: servers do send plain XML
 * labelled `Content-Encoding: gzip` (a proxy or CMS adds the header to an already stored file), and raw deflate
 * labelled `deflate` (old IIS and PHP). The wire chunks are kept while decoding, already counted against the cap, so
 * that such a body can be read as sent once the decoder gives up.
 */
async function readCapped(response: IncomingMessage, encoding: string | null, maxBytes: number, signal: AbortSignal): Promise<Body | null> {
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return null;
  }
  let decoders: Transform[];
  try {
    decoders = decodersFor(encoding);
  } catch (error) {
    response.destroy();
    throw error;
  }
  const wire: Buffer[] = [];
  let received = 0;
  let toDecoders: PassThrough | undefined;
  try {
    if (decoders.length === 0) {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        received += chunk.byteLength;
        if (received > maxBytes) throw new TooLarge();
        wire.push(chunk);
      }
      return { bytes: Buffer.concat(wire, received), encodingIgnored: null };
    }

    const decoded: Buffer[] = [];
    let decodedBytes = 0;
    let decodeError: Error | null = null;
    toDecoders = new PassThrough();
    const decoding = pipelineOfAny(toDecoders, ...decoders, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        decodedBytes += chunk.byteLength;
        if (decodedBytes > maxBytes) throw new TooLarge();
        decoded.push(chunk);
      }
    }, { signal }).catch((error: Error) => {
      // A decoded body over the cap ends the whole read; any other failure of the decoders is a wrong encoding.
      if (error instanceof TooLarge || signal.aborted) throw error;
      decodeError = error;
    });
    const decodingEnded = decoding.then(() => true, () => true);
    let decodingOver = false;
    void decodingEnded.then(() => (decodingOver = true));

    for await (const chunk of response as AsyncIterable<Buffer>) {
      // The bytes on the wire count too: an endless compressed body stops at the cap even if it decodes to little.
      received += chunk.byteLength;
      if (received > maxBytes) throw new TooLarge();
      wire.push(chunk);
      if (decodingOver) {
        await decoding; // rethrows TooLarge; after a decode error the rest of the body is only kept
        continue;
      }
      // Wait for the decoders to take the chunk, so a bomb decodes no faster than its output is counted.
      if (!toDecoders.write(chunk)) await Promise.race([once(toDecoders, 'drain').catch(() => {}), decodingEnded]);
    }
    toDecoders.end();
    await decoding;
    if (!decodeError) return { bytes: Buffer.concat(decoded, decodedBytes), encodingIgnored: null };
    return readAsSent(Buffer.concat(wire, received), encoding!, decodeError, maxBytes);
  } catch (error) {
    response.destroy();
    toDecoders?.destroy();
    if (error instanceof TooLarge) return null;
    throw error;
  }
}

/**
 * The body of a response whose decoders failed: raw deflate inflated as such, or the bytes as sent when they look
 * like a document (what other readers do; a real gzip, zlib or brotli stream never starts with `<` or `{`), else the
 * failure in words. Null when raw deflate inflates past the cap.
 */
function readAsSent(raw: Buffer, encoding: string, decodeError: Error, maxBytes: number): Body | null {
  const codings = listCodings(encoding);
  if (codings.length === 1 && codings[0] === 'deflate') {
    try {
      return { bytes: inflateRawSync(raw, { maxOutputLength: maxBytes }), encodingIgnored: null };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return null;
      // not raw deflate either: fall through to the bytes as sent
    }
  }
  if (looksLikeDocument(raw)) return { bytes: raw, encodingIgnored: encoding };
  throw new HttpGetError('bad-encoding', `the ${encoding} body could not be decompressed (${decodeError.message})`);
}

/** True when the first byte after an optional UTF-8 byte-order mark and whitespace starts markup or JSON. */
function looksLikeDocument(bytes: Buffer): boolean {
  let index = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (index < bytes.length && (bytes[index] === 0x20 || bytes[index] === 0x09 || bytes[index] === 0x0a || bytes[index] === 0x0d)) index++;
  return bytes[index] === 0x3c || bytes[index] === 0x7b; // < or {
}

function listCodings(encoding: string | null): string[] {
  return (encoding ?? '').split(',').map((coding) => coding.trim().toLowerCase()).filter((c) => c && c !== 'identity');
}

/**
 * Output chunk of the decoders (zlib's default is 16 KiB): a typical feed (bench/ingest's average 40 KB) then comes out
 * in one chunk, one callback and one count instead of three: gunzipping 600 of its feeds through the stream took 97 ms
 * of CPU instead of 115 ms (medians of 7, load 5–8). The decoded-size cap is checked per chunk, so a body stops at most
 * this much past it.
 */
const DECODED_CHUNK_BYTES = 64 * 1024;

/** Decoders in the order to apply them: Content-Encoding lists codings in the order the server applied them. */
function decodersFor(encoding: string | null): Transform[] {
  return listCodings(encoding).reverse().map((coding) => {
    // createUnzip reads both the gzip and the zlib ("deflate" in HTTP) header, so a mislabelled one still decodes.
    if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate') return createUnzip({ chunkSize: DECODED_CHUNK_BYTES });
    if (coding === 'br') return createBrotliDecompress({ chunkSize: DECODED_CHUNK_BYTES });
    throw new HttpGetError('unsupported-encoding', `the server sent an unsupported content-encoding "${coding}"`);
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
