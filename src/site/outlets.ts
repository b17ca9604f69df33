// Who published an article, as a reader knows them: "CNN", not "CNN.com - RSS Channel - App International Edition".
// An outlet is identified by its site's registrable domain (tldts, from the public suffix list), so its several feeds
// ("FOX News" news and "Fox News" video) count as one source in a story.
import { parse } from 'tldts';
import { registrableDomain } from '../model/domain.ts';

export interface Outlet {
  /** The outlet's identity: its registrable domain ("foxnews.com"), or its cleaned name when the feed has no domain. */
  key: string;
  name: string;
}

/**
 * The outlet of a feed: the cleaned channel title and the registrable domain of its site (else of the feed's own
 * address). Addresses without one (an IP address, as in the demo's loopback feeds) fall back to the name.
 */
export function outletOf(feedTitle: string | null, siteUrl: string | null, feedUrl: string): Outlet {
  const domain = registrableDomain(siteUrl) ?? registrableDomain(feedUrl);
  const name = cleanOutletName(feedTitle ?? '', domain) || domain || hostOf(feedUrl);
  return { key: domain ?? `name:${name.toLowerCase()}`, name };
}

// Where a channel title joins the outlet's name to a section: "NYT > U.S. News", "Articles | Mail Online".
const separator = /\s+[|>»·:–—-]\s+|:\s+/;
// Words that name a feed rather than an outlet, dropped from the end of a name: "NPR Topics", "Wired RSS Feed".
const feedWords = /(?:\s+(?:-\s+)?(?:rss|feed|feeds|channel|topics|top stories|latest|headlines|home ?page))+$/i;
// A segment that is only about the feed or a section, never the outlet's name.
const genericSegment = /^(?:articles?|rss( channel| feed)?|feeds?|news( feed)?|latest( news)?|top (stories|news)|home|front page|all( content)?|headlines)$/i;

/**
 * The outlet's name from a channel title: of the title's parts, the one that matches the site's domain ("Mail Online"
 * for dailymail.co.uk, "NYT" for nytimes.com), else the first part that is not a section or feed word; a trailing
 * ".com" and feed words ("RSS", "Topics") are dropped.
 */
export function cleanOutletName(title: string, domain: string | null): string {
  const parts = title.replace(/\s+/g, ' ').trim().split(separator)
    .map((part) => part.replace(/\.(com|org|net|co\.uk|io)\b/i, '').replace(feedWords, '').trim())
    .filter((part) => part && !genericSegment.test(part));
  if (parts.length === 0) return '';
  const label = domain ? domainLabel(domain) : '';
  const matched = label ? bestDomainMatch(parts, label) : undefined;
  // "Section | Outlet" puts the outlet last; other separators ("Outlet - Section", "Outlet > Section") first.
  const fallback = /\s\|\s/.test(title) ? parts.at(-1)! : parts[0]!;
  return matched ?? fallback;
}

/** "nytimes.com" → "nytimes", "dailymail.co.uk" → "dailymail": the part a name is compared with. */
function domainLabel(domain: string): string {
  return parse(domain, { allowPrivateDomains: true }).domainWithoutSuffix?.replace(/[^a-z0-9]/g, '') ?? '';
}

function compact(text: string): string {
  return text.toLowerCase().replace(/^the\s+/, '').replace(/[^a-z0-9]/g, '');
}

/**
 * The part whose letters best match the domain: containment either way ("nyt" in "nytimes", "cnn" in "cnn") wins,
 * then the longest common run of four or more letters ("mail" in "mailonline" and "dailymail").
 */
function bestDomainMatch(parts: readonly string[], label: string): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const part of parts) {
    const letters = compact(part);
    if (letters.length < 2) continue;
    const score = label.includes(letters) || letters.includes(label) ? 100 : longestCommonRun(letters, label);
    if (score > bestScore && score >= 4) {
      best = part;
      bestScore = score;
    }
  }
  return best;
}

function longestCommonRun(a: string, b: string): number {
  let longest = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let length = 0;
      while (a[i + length] !== undefined && a[i + length] === b[j + length]) length++;
      longest = Math.max(longest, length);
    }
  }
  return longest;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/**
 * One display name per outlet when its feeds' titles differ ("FOX News", "Fox News Video"): the shortest, so a
 * section feed does not rename the outlet; ties alphabetically, so the choice is stable between builds.
 */
export function outletDisplayNames(outlets: readonly Outlet[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const outlet of outlets) {
    const known = names.get(outlet.key);
    if (known === undefined || outlet.name.length < known.length || (outlet.name.length === known.length && outlet.name < known)) {
      names.set(outlet.key, outlet.name);
    }
  }
  return names;
}
