// Turns one raw item into the common FeedItem: clean title, canonical URL, safe HTML, summary, date, image, guid.
import { createHash } from 'node:crypto';
import type { FeedItem } from '../types.ts';
import type { RawItem } from '../formats/raw.ts';
import { linkUrls } from './url.ts';
import { normalizeDate } from './date.ts';
import { withoutControls, withoutControlsOrNull } from './controls.ts';
import { cleanTitle, titleText, collapseWhitespace, mainImage, plainText, sanitizeFeedHtml, summarize } from './html.ts';

const SUMMARY_LENGTH = 300;
const TITLE_FROM_SUMMARY_LENGTH = 80;

export function normalizeItem(raw: RawItem, now: Date): FeedItem {
  const item = readItem(raw, now);
  // Controls are removed from what is stored, after every decoding step (an escaped `&amp;#1;` only becomes one late).
  return {
    ...item,
    guid: withoutControls(item.guid),
    title: withoutControls(item.title) || 'Untitled',
    author: withoutControlsOrNull(item.author),
    summary: withoutControls(item.summary),
    contentHtml: withoutControls(item.contentHtml),
    categories: item.categories.map(withoutControls).filter(Boolean),
  };
}

function readItem(raw: RawItem, now: Date): FeedItem {
  const { url, originalUrl } = linkUrls(raw.link, raw.base);
  // The feed's own description reads best as a summary; the full content is the fallback. Only its text is wanted,
  // and text carries no markup, so the description is read as it came instead of being sanitized to be thrown away.
  const ownSummary = raw.summaryHtml && raw.contentHtml != null ? raw.summaryHtml : null;
  // One HTML pass per item: the content (else the description) becomes the stored HTML and yields the image and,
  // when it is the summary's source, the summary's text.
  const content = sanitizeFeedHtml(raw.contentHtml ?? raw.summaryHtml ?? '', raw.contentBase, ownSummary === null ? SUMMARY_LENGTH : 0);
  const contentHtml = content.html;
  const summary = summarize(ownSummary === null ? content.text : plainText(ownSummary, SUMMARY_LENGTH), SUMMARY_LENGTH);
  const title = withoutControls(titleText(raw.title, raw.titleType)).trim() || summarize(summary, TITLE_FROM_SUMMARY_LENGTH) || url || 'Untitled';
  // Feeds that only say when an item changed (Atom <updated>, JSON date_modified) mean that as its date.
  const date = normalizeDate(raw.published ?? raw.updated, now);
  return {
    guid: raw.id?.trim() || url || contentHash(title, summary),
    title,
    url,
    originalUrl,
    published: date.iso,
    updated: normalizeDate(raw.updated, now).iso,
    dateFlag: date.flag,
    author: authorName(raw.author),
    summary,
    contentHtml,
    image: mainImage(raw.images, content.firstImage, raw.contentBase),
    categories: unique(raw.categories.map((category) => cleanTitle(category)).filter(Boolean)),
  };
}

/** An item with nothing to show or link to is noise, not news. */
export function isEmpty(raw: RawItem): boolean {
  return !raw.title?.trim() && !raw.link?.trim() && !raw.contentHtml?.trim() && !raw.summaryHtml?.trim();
}

function contentHash(title: string, summary: string): string {
  return 'sha256:' + createHash('sha256').update(`${title}\n${summary}`).digest('hex');
}

/** RSS <author> is "email (Name)", others write "Name <email>"; the name is what people want to read. */
function authorName(raw: string | null): string | null {
  if (!raw) return null;
  const name = collapseWhitespace(cleanTitle(raw));
  const parenthesised = /^\S+@\S+\s*\((.+)\)$/.exec(name)?.[1];
  const bracketed = /^(.+?)\s*<\S+@\S+>$/.exec(name)?.[1];
  return parenthesised?.trim() || bracketed?.trim() || name || null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
