// Resolves feed links to absolute http(s) URLs and canonicalises them (tracking parameters, fragment, host case).

/** Query parameters that only track the click; dropping them lets the same story match across feeds. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
  'mc_cid', 'mc_eid', 'igshid', 'igsh', '_hsenc', '_hsmi', '__hstc', '__hssc', '__hsfp', 'hsctatracking',
  'mkt_tok', 'ref_src', 'ref_url', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'vero_conv', 'rb_clickid', 's_cid',
  '_ga', '_gl', 'spm', 'wt.mc_id', 'cmpid',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_'];

/** The link resolved against base (xml:base, else the feed URL); null unless it is http(s). */
export function resolveUrl(raw: string | null | undefined, base: string): string | null {
  return parseHttpUrl(raw, base)?.href ?? null;
}

/**
 * The URL a story is known by: absolute, http(s) only, tracking parameters and fragment dropped.
 * The URL parser already lower-cases the host and drops default ports.
 */
export function canonicalUrl(raw: string | null | undefined, base: string): string | null {
  return linkUrls(raw, base).url;
}

/** An item link both ways from one parse: canonical (url) and as given, resolved (originalUrl). */
export function linkUrls(raw: string | null | undefined, base: string): { url: string | null; originalUrl: string | null } {
  const parsed = parseHttpUrl(raw, base);
  if (!parsed) return { url: null, originalUrl: null };
  const originalUrl = parsed.href;
  parsed.hash = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (isTrackingParam(name)) parsed.searchParams.delete(name);
  }
  if (parsed.searchParams.size === 0) parsed.search = ''; // also drops a bare "?"
  return { url: parsed.href, originalUrl };
}

function parseHttpUrl(raw: string | null | undefined, base: string): URL | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  const url = URL.parse(trimmed, base);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null;
}

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}
