// The shape every format adapter produces: the feed's own values, not yet cleaned, resolved or validated.
import type { FeedFormat } from '../types.ts';

export interface RawItem {
  id: string | null;
  /** May still hold tags and (double-)escaped entities. */
  title: string | null;
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
  link: string | null;
  base: string;
  ttlMinutes: number | null;
  items: RawItem[];
}
