// Links and images from feeds are untrusted: only plain web URLs may become an href or src on our pages and feeds.

/** The URL if it is http(s), else null (javascript:, data:, relative junk never reach a page). */
export function webUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
