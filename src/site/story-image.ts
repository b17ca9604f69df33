// Which picture a story shows: the lead article's image first, else another member's. Decided once here, for the
// build's image step (image-cache.ts, which fetches the candidates) and for the pages (data.ts, which show the first
// candidate that has a local copy), so the two never disagree.
import { webUrl } from './safe-url.ts';

/** `local`: serve our own copies (the default); `hotlink`: point at the outlets' URLs; `off`: no pictures. */
export type ImageMode = 'local' | 'hotlink' | 'off';
export const imageModes: readonly ImageMode[] = ['local', 'hotlink', 'off'];

/**
 * The sizes made of every picture, as [width, height] in pixels, cropped to 16:9: a card thumbnail (shown at 128×72
 * CSS pixels, so sharp on 2× screens) and the story page's picture (320×180, and the og:image).
 */
export const imageSizes = { thumb: [256, 144], large: [640, 360] } as const;
export type ImageSize = keyof typeof imageSizes;

/** The site path of an image copy, under the site's root: `images/<key>-<width>.webp`. */
export function imageFilePath(key: string, size: ImageSize): string {
  return `images/${key}-${imageSizes[size][0]}.webp`;
}

/** How many of a story's images the build tries before it gives up on a picture for that story. */
export const maxImageCandidates = 3;

/** What a story's image candidates are chosen from: its articles and which of them is the lead. */
export interface ImageSource {
  id: number;
  image: string | null;
  publishedAt: string;
}

/**
 * A story's image URLs, best first, at most maxImageCandidates and no repeats: the lead's (the first article's when
 * leadId names none of them; articles come oldest first), then the other articles'
 * newest first (a later article's picture more often shows the event itself than an early file photo). Only http(s)
 * URLs: anything else could never be fetched or shown.
 */
export function storyImageCandidates(leadId: number | null, articles: readonly ImageSource[]): string[] {
  // A story without a lead shows its first article as the lead (data.ts), so its picture comes first here too.
  const lead = articles.find((article) => article.id === leadId) ?? articles[0];
  const others = articles.filter((article) => article !== lead)
    .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id - a.id);
  const candidates: string[] = [];
  for (const article of lead ? [lead, ...others] : others) {
    const url = webUrl(article.image);
    if (url && !candidates.includes(url)) candidates.push(url);
    if (candidates.length === maxImageCandidates) break;
  }
  return candidates;
}

/** A story's picture as pages show it. */
export interface StoryPicture {
  /** The file key of the site's own copy (`images/<key>-<width>.webp`), or null when the outlet's URL is shown. */
  key: string | null;
  /** The outlet's image URL. */
  url: string;
  /** The headline of the article the picture came with: feeds carry no description of their images. */
  alt: string;
}

/**
 * The picture a story shows: in local mode the first candidate with a copy (localKeys: URL → file key), in hotlink
 * mode the first candidate, in off mode none.
 */
export function storyPicture(leadId: number | null, articles: readonly (ImageSource & { title: string })[], mode: ImageMode,
  localKeys: Readonly<Record<string, string>>): StoryPicture | null {
  if (mode === 'off') return null;
  for (const url of storyImageCandidates(leadId, articles)) {
    const key = mode === 'local' ? localKeys[url] : null;
    if (mode === 'local' && !key) continue;
    const article = articles.find((candidate) => webUrl(candidate.image) === url)!;
    return { key: key ?? null, url, alt: article.title };
  }
  return null;
}
