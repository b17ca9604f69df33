// What a feed URL must be before it is stored or fetched: http or https, with a host. One check for `feeds add`,
// OPML import, `feeds parse` and every redirect the fetcher follows, so no path lets in what another refuses.

/**
 * Why this text cannot be a feed URL, in a few words ("not http or https", "no host", "not a URL"), or null when it
 * can. Only the form is checked here; where the host resolves to is decided when connecting (address-policy.ts).
 */
export function feedUrlProblem(text: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text.trim())?.[1]?.toLowerCase();
  if (scheme === undefined) return 'not a URL';
  if (scheme !== 'http' && scheme !== 'https') return 'not http or https';
  // The URL parser would read "http:///feed" or "http:feed" as a URL with host "feed"; a feed URL says its host plainly.
  if (!/^https?:\/\/[^/?#\s]/i.test(text.trim())) return 'no host';
  const url = URL.parse(text.trim());
  if (!url) return 'not a URL';
  return url.hostname ? null : 'no host';
}

/**
 * The one spelling a feed URL is stored under, so one feed given twice is one feed: the WHATWG URL serialisation
 * (scheme and host lower-cased, a default port and "." segments dropped, an empty path as "/") without a fragment,
 * which names a part of a page and never a different feed. For a text feedUrlProblem accepts; others come back as given.
 */
export function canonicalFeedUrl(text: string): string {
  const url = URL.parse(text.trim());
  if (!url) return text;
  url.hash = '';
  return url.href;
}
