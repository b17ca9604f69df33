// Outlet templates and series: a broadcaster's video feed titles every item "Show | Channel (date)", a newsletter
// "Morning Briefing: …", a site "… | Fox News Video". The shared part says which feed and which series wrote the
// item, not what happened, yet it makes the items' words, names and embeddings alike, and a series became a
// 20-article story. A template is found per feed from the stream itself: a first or last segment of the headline
// (split at "|", ":", or a spaced dash) that at least `minimumTitles` of one feed's titles share, written so almost
// only by that feed (a subject label other outlets use too, such as "Ukraine war: …", is the event's own word and
// stays). Dates and numbers inside a segment are ignored when comparing, so "(Nov 29)" and "(Nov 30)" are one template.

export interface TemplatedTitle {
  /** The headline without its feed's template segments (the whole headline when it has none). */
  title: string;
  /** Whether a template segment was removed. */
  templated: boolean;
}

/** A feed needs this many items in view; a segment must open or close this many of its titles. */
const minimumItems = 6;
const minimumTitles = 3;
/** Of all the titles opening (or closing) with a segment, this share must be the feed's own. */
const ownFeedShare = 0.8;

// "|", "::", ":" followed by a space, or a dash with spaces around it ("Show - Channel", "Title — Site").
const separator = /\s*(?:\||::|·|•)\s*|:\s+|\s+[-–—]\s+/gu;
const calendarWords = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|am|pm|ep|episode|part)\b/gu;

/** A segment as compared: lower case, without numbers, dates and punctuation. */
function segmentKey(segment: string): string {
  return segment.toLowerCase().replace(/\p{N}+/gu, ' ').replace(calendarWords, ' ').replace(/[^\p{L}]+/gu, ' ').trim();
}

interface Split {
  title: string;
  /** The first and last segments' keys and where the rest of the headline starts and ends; null with no separator. */
  first: { key: string; end: number } | null;
  last: { key: string; start: number } | null;
}

function split(title: string): Split {
  const separators = [...title.matchAll(separator)].filter((match) => match.index > 0 && match.index + match[0].length < title.length);
  if (!separators.length) return { title, first: null, last: null };
  const head = separators[0]!;
  const tail = separators.at(-1)!;
  return {
    title,
    first: { key: segmentKey(title.slice(0, head.index)), end: head.index + head[0].length },
    last: { key: segmentKey(title.slice(tail.index + tail[0].length)), start: tail.index },
  };
}

/**
 * Each article's headline without its feed's template (see the module comment). `articles`: key, feed and headline of
 * every article a run works with; returns a map from key. Pure; a feed with fewer than six items in view has no
 * template found.
 */
export function stripTemplates(articles: readonly { key: string; feedId: number; title: string }[]): Map<string, TemplatedTitle> {
  const splits = new Map(articles.map((article) => [article.key, split(article.title)]));
  const uses = { first: new Map<string, number>(), last: new Map<string, number>() };
  const byFeed = new Map<number, { first: Map<string, number>; last: Map<string, number>; items: number }>();
  for (const article of articles) {
    const { first, last } = splits.get(article.key)!;
    let feed = byFeed.get(article.feedId);
    if (!feed) byFeed.set(article.feedId, (feed = { first: new Map(), last: new Map(), items: 0 }));
    feed.items++;
    for (const side of ['first', 'last'] as const) {
      const segment = side === 'first' ? first : last;
      if (!segment) continue;
      uses[side].set(segment.key, (uses[side].get(segment.key) ?? 0) + 1);
      feed[side].set(segment.key, (feed[side].get(segment.key) ?? 0) + 1);
    }
  }
  const isTemplate = (feedId: number, side: 'first' | 'last', key: string) => {
    const feed = byFeed.get(feedId)!;
    const own = feed[side].get(key) ?? 0;
    return feed.items >= minimumItems && own >= minimumTitles && own >= ownFeedShare * uses[side].get(key)!;
  };
  const result = new Map<string, TemplatedTitle>();
  for (const article of articles) {
    const { title, first, last } = splits.get(article.key)!;
    let start = 0;
    let end = title.length;
    if (first && isTemplate(article.feedId, 'first', first.key)) start = first.end;
    if (last && isTemplate(article.feedId, 'last', last.key)) end = Math.max(start, last.start);
    result.set(article.key, { title: title.slice(start, end).trim(), templated: start > 0 || end < title.length });
  }
  return result;
}
