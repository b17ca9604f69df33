// Whose site an address belongs to: its registrable domain (tldts, from the public suffix list). The site groups an
// outlet's feeds by it (site/outlets.ts), and the store tells an outlet's own link from an aggregator's (articles.ts).
import { parse } from 'tldts';

/** "edition.cnn.com" → "cnn.com", "www.bbc.co.uk" → "bbc.co.uk"; null for IP addresses and unreadable URLs. */
export function registrableDomain(url: string | null): string | null {
  if (!url) return null;
  // Private suffixes (github.io, blogspot.com) count: two blogs on one host are two outlets.
  const parsed = parse(url, { allowPrivateDomains: true });
  return parsed.isIp ? null : parsed.domain;
}
