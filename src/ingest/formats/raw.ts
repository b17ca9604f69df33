// The shape every format adapter produces: the feed's own values, not yet cleaned, resolved or validated.
import type { FeedFormat } from '../types.ts';

/**
 * How a title was written, which decides how it becomes plain text. 'text' is plain text, already decoded once by the
 * XML reader (Atom type="text", JSON Feed): nothing more is done to it. 'html' is markup (Atom type="html"/"xhtml"):
 * decoded once and its tags dropped. 'loose' is what RSS titles are in practice: text that may carry a few HTML tags or
 * one more layer of escaping, so HTML tags are dropped and entities decoded once, but a `<` that starts no HTML tag
 * (`std::vector<bool>`) is kept as written.
 */
export type TextType = 'text' | 'html' | 'loose';

export interface RawItem {
  id: string | null;
  /** As written, read according to titleType. */
  title: string | null;
  titleType: TextType;
  link: string | null;
  /** Absolute base for this item's links: xml:base chain, else the feed URL. */
  base: string;
  /** Base for relative URLs inside the content (Atom allows xml:base on <content> itself). */
  contentBase: string;
  published: string | null;
  updated: string | null;
  author: string | null;
  /** Full content as HTML (content:encoded, Atom content, content_html). */
  contentHtml: string | null;
  /** Short description as HTML (RSS description, Atom summary, JSON summary). */
  summaryHtml: string | null;
  /** Explicit image URLs, best first: media:content, media:thumbnail, image enclosures. */
  images: string[];
  categories: string[];
}

export interface RawFeed {
  format: FeedFormat;
  formatVersion: string | null;
  title: string | null;
  titleType: TextType;
  link: string | null;
  base: string;
  /** When the feed says it last changed (RSS lastBuildDate/pubDate, Atom updated): a stand-in for undated items. */
  updated: string | null;
  ttlMinutes: number | null;
  items: RawItem[];
}
