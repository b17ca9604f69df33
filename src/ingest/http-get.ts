// One HTTP(S) GET over node:http/https: a connect timeout kept apart from the deadline for the whole exchange, and a
// body decoded (gzip, deflate, br) and capped while it arrives, so a slow, endless or bomb-like body costs bounded time
// and memory.
/*
 * Why node:http rather than the global fetch: fetch (undici inside Node) offers no connect timeout without the npm
 * `undici` package's Agent, and its decoded body can only be capped after the web-stream layers. node:http gives the
 * socket's own 'connect' / 'secureConnect' events, keep-alive agents, and zlib streams we can count as they decode.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';
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
  readBody(maxBytes: number): Promise<Buffer | null>;
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

// node's pipeline takes any mix of streams and async generator stages; its typings cannot express a spread of decoders.
const pipelineOfAny = pipeline as (...stages: unknown[]) => Promise<void>;

async function readCapped(response: IncomingMessage, encoding: string | null, maxBytes: number, signal: AbortSignal): Promise<Buffer | null> {
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
  const chunks: Buffer[] = [];
  let received = 0;
  let decoded = 0;
  try {
    await pipelineOfAny(
      response,
      // The bytes on the wire count too: an endless compressed body stops at the cap even if it decodes to little.
      async function* countReceived(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.byteLength;
          if (received > maxBytes) throw new TooLarge();
          yield chunk;
        }
      },
      ...decoders,
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          decoded += chunk.byteLength;
          if (decoded > maxBytes) throw new TooLarge();
          chunks.push(chunk);
        }
      },
      { signal },
    );
  } catch (error) {
    if (error instanceof TooLarge) return null;
    if (decoders.length > 0 && (error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new HttpGetError('bad-encoding', `the ${encoding} body could not be decompressed (${(error as Error).message})`);
    }
    throw error;
  }
  return Buffer.concat(chunks, decoded);
}

/** Decoders in the order to apply them: Content-Encoding lists codings in the order the server applied them. */
function decodersFor(encoding: string | null): Transform[] {
  const codings = (encoding ?? '').split(',').map((coding) => coding.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  return codings.reverse().map((coding) => {
    // createUnzip reads both the gzip and the zlib ("deflate" in HTTP) header, so a mislabelled one still decodes.
    if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate') return createUnzip();
    if (coding === 'br') return createBrotliDecompress();
    throw new HttpGetError('unsupported-encoding', `the server sent an unsupported content-encoding "${coding}"`);
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
