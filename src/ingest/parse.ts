// Entry point of the ingest layer: feed bytes in, one ParsedFeed out (decode -> detect -> parse -> normalize).
/*
 * Why fast-xml-parser for every XML format rather than rss-parser:
 * rss-parser wants a string (so charset handling would already be lost), parses with xml2js without a
 * way to refuse DOCTYPE entities or to see xml:base, drops the attributes and namespaces we need
 * (media:*, rel/type on Atom links, xml:base, rdf:about), and cannot report what it had to recover.
 * With fast-xml-parser we decode the bytes ourselves, refuse entity declarations before parsing, keep
 * its entity expansion off (we decode entities afterwards), keep HTML fields raw (stopNodes), and the
 * format adapters stay small readers over one uniform tree.
 */
import { FeedParseError, type ParsedFeed, type ParseOptions } from './types.ts';
import { decodeFeedBytes } from './decode.ts';
import { encodingIgnoredWarning } from './warnings.ts';
import { detectFormat } from './formats/detect.ts';
import { repairXml } from './formats/xml-repair.ts';
import { parseXml } from './formats/xml.ts';
import { NS } from './formats/namespaces.ts';
import { readRss } from './formats/rss.ts';
import { readRdf } from './formats/rdf.ts';
import { readAtom } from './formats/atom.ts';
import { readJsonFeed } from './formats/json-feed.ts';
import type { RawFeed } from './formats/raw.ts';
import { isEmpty, normalizeItem } from './normalize/item.ts';
import { canonicalUrl } from './normalize/url.ts';
import { distinctIdentities } from './normalize/identity.ts';
import { dateUndatedItems } from './normalize/undated.ts';
import { withoutControls } from './normalize/controls.ts';
import { titleText } from './normalize/html.ts';

export { FeedParseError } from './types.ts';

/** The fetcher caps bodies at 10 MB; parsing refuses anything larger rather than trust that. */
const MAX_FEED_BYTES = 10 * 1024 * 1024;

/** The namespace whose elements each XML format reads without a prefix. */
const MAIN_NAMESPACES = {
  rss: [],
  rdf: [NS.rss10, NS.rss090],
  atom: [NS.atom10, NS.atom03],
} as const;

export function parseFeed(bytes: Uint8Array, options: ParseOptions): ParsedFeed {
  if (bytes.length === 0) throw new FeedParseError('the feed is empty');
  if (bytes.length > MAX_FEED_BYTES) {
    throw new FeedParseError(`refused: the feed is ${(bytes.length / 1048576).toFixed(1)} MB, over the ${MAX_FEED_BYTES / 1048576} MB limit`);
  }
  const warnings: string[] = [];
  if (options.encodingIgnored) warnings.push(encodingIgnoredWarning(options.encodingIgnored));
  const text = decodeFeedBytes(bytes, options.contentType, warnings);
  const detected = detectFormat(text, warnings);
  let read: (documentUrl: string) => RawFeed;
  if (detected.format === 'json') {
    read = (documentUrl) => readJsonFeed(detected.text, documentUrl, warnings);
  } else {
    const doc = parseXml(repairXml(detected.xml, MAIN_NAMESPACES[detected.format], warnings));
    const reader = { rss: readRss, rdf: readRdf, atom: readAtom }[detected.format];
    read = (documentUrl) => reader(doc, documentUrl);
  }
  let raw = read(options.url);
  // A feed read from a file has no web address for relative links to resolve against (they would all be dropped as
  // not http); the site address the feed declares is the best stand-in, so `feeds parse file.xml` shows real links.
  const siteUrl = canonicalUrl(raw.link, raw.base);
  if (!/^https?:/i.test(options.url) && siteUrl) {
    warnings.push(`relative links resolved against the feed's own link ${siteUrl}, as the feed was not read from the web`);
    raw = read(siteUrl);
  }

  const now = options.now ?? new Date();
  const kept = raw.items.filter((item) => !isEmpty(item));
  if (kept.length < raw.items.length) warnings.push(`skipped ${raw.items.length - kept.length} empty item(s)`);
  if (raw.items.length === 0) warnings.push('the feed has no items');
  return {
    title: withoutControls(titleText(raw.title, raw.titleType)).trim() || hostOf(options.url),
    link: canonicalUrl(raw.link, raw.base),
    format: raw.format,
    formatVersion: raw.formatVersion,
    ttlMinutes: raw.ttlMinutes,
    items: distinctIdentities(
      dateUndatedItems(kept.map((item) => normalizeItem(item, now)), raw.updated, options.firstRead ?? true, now, warnings),
      warnings),
    warnings,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
