// Feed autodiscovery: the feeds a web page announces with <link rel="alternate" type="application/rss+xml" href="…">,
// for when a person gives a site's page instead of its feed.
import { Parser } from 'htmlparser2';

export interface DiscoveredFeed {
  /** Absolute, resolved against the page's <base href> and then its own address. */
  url: string;
  type: string;
  title: string | null;
}

/** The link types that announce a feed (RSS, Atom, RDF, JSON Feed, with the older x- spellings). */
const FEED_TYPES = new Set([
  'application/rss+xml', 'application/atom+xml', 'application/rdf+xml', 'application/feed+json', 'application/json',
  'application/x-rss+xml', 'application/x-atom+xml', 'application/x.atom+xml', 'text/rss+xml', 'text/atom+xml',
]);

/** Pages put their feed links in the head; a page this large has long passed it. */
const MAX_SCAN_CHARACTERS = 1024 * 1024;

/**
 * The feeds an HTML page links to as alternates, in document order, without repeats. A link counts when its rel has
 * the token "alternate" (not "stylesheet") and its type is a feed type, or when its rel has the HTML "feed" token.
 * Hrefs resolve against the first <base href>, itself resolved against pageUrl; javascript:, data: and mailto: links
 * are ignored.
 */
export function discoverFeeds(html: Uint8Array, pageUrl: string): DiscoveredFeed[] {
  const text = new TextDecoder('utf-8').decode(html.subarray(0, MAX_SCAN_CHARACTERS));
  const links: { href: string; type: string; title: string | null }[] = [];
  let base: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && base === null && attributes['href']) base = attributes['href'];
        if (name !== 'link' || !attributes['href']) return;
        const rel = (attributes['rel'] ?? '').toLowerCase().split(/\s+/);
        const type = (attributes['type'] ?? '').toLowerCase().split(';')[0]!.trim();
        const announcesFeed = (rel.includes('alternate') && !rel.includes('stylesheet') && FEED_TYPES.has(type)) || rel.includes('feed');
        if (announcesFeed) links.push({ href: attributes['href'], type, title: attributes['title']?.trim() || null });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(text);

  const baseUrl = URL.parse(base ?? '', pageUrl)?.href ?? pageUrl;
  const seen = new Set<string>();
  const feeds: DiscoveredFeed[] = [];
  for (const link of links) {
    const url = URL.parse(link.href.trim(), baseUrl);
    if (!url || ['javascript:', 'data:', 'mailto:'].includes(url.protocol) || seen.has(url.href)) continue;
    seen.add(url.href);
    feeds.push({ url: url.href, type: link.type, title: link.title });
  }
  return feeds;
}
