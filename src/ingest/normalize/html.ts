// Makes feed HTML safe (sanitize-html allow-list) and derives plain text, summaries, titles and the main image.
import sanitize from 'sanitize-html';
import { Parser } from 'htmlparser2';
import { resolveUrl } from './url.ts';

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'dl', 'dt', 'em', 'figcaption',
  'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre',
  'q', 's', 'small', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
];

/** Elements whose content is never readable text (code, styles, form widgets, frames). */
const HIDDEN_CONTENT = ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'textarea', 'select', 'option', 'button'];

const LINK_REL = 'noopener nofollow ugc';

export interface SanitizedHtml {
  html: string;
  /** The first real image the sanitized HTML shows (1×1 tracking pixels skipped), noted while sanitizing. */
  firstImage: string | null;
}

/**
 * Allow-list sanitising: anything not listed (script, style, iframe, object, embed, form, event handlers,
 * style attributes) is dropped. Relative links and images are resolved against the item's base first,
 * then only http(s) (and mailto for links) survive.
 */
export function sanitizeHtml(html: string, base: string): string {
  return sanitizeFeedHtml(html, base).html;
}

/** sanitizeHtml, also noting the first real image on the way, so finding it costs no second parse. */
export function sanitizeFeedHtml(html: string, base: string): SanitizedHtml {
  let firstImage: string | null = null;
  const clean = sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false, // already resolved against the base, which carries the scheme
    nonTextTags: HIDDEN_CONTENT,
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...withResolved(attribs, 'href', base, true), rel: LINK_REL } }),
      img: (tagName, attribs) => {
        const resolved = withResolved(attribs, 'src', base, false);
        // Only images that reach the output get here (content of hidden elements is skipped before transforms),
        // and resolveUrl let through http(s) alone, which is what the img scheme list keeps.
        if (!firstImage && resolved['src'] && resolved['width'] !== '1' && resolved['height'] !== '1') firstImage = resolved['src'];
        return { tagName, attribs: resolved };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
  return { html: clean, firstImage };
}

function withResolved(attribs: sanitize.Attributes, name: string, base: string, allowMailto: boolean): sanitize.Attributes {
  const { [name]: value, ...rest } = attribs;
  if (!value) return rest;
  if (allowMailto && /^\s*mailto:/i.test(value)) return { ...rest, [name]: value.trim() };
  const resolved = resolveUrl(value, base);
  return resolved ? { ...rest, [name]: resolved } : rest;
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]);
const HIDDEN = new Set(HIDDEN_CONTENT);

/**
 * Text of an HTML fragment: entities decoded, hidden elements skipped, blocks separated, whitespace collapsed.
 * With `enough`, parsing stops once that many characters of text are in hand (a summary needs the start only).
 */
export function plainText(html: string, enough = Infinity): string {
  // Most titles, names and categories carry neither markup nor entities: nothing to parse.
  if (!html.includes('<') && !html.includes('&')) return collapseWhitespace(html);
  const parts: string[] = [];
  let hiddenDepth = 0;
  let collected = 0;
  let checkAt = enough;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hiddenDepth++;
        if (BLOCK_TAGS.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (hiddenDepth > 0) return;
        parts.push(text);
        collected += text.length;
        // Raw text may be mostly whitespace, so count what survives collapsing before stopping.
        if (collected > checkAt) {
          if (collapseWhitespace(parts.join('')).length > enough) parser.pause();
          else checkAt = collected * 2;
        }
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        if (BLOCK_TAGS.has(name)) parts.push(' ');
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return collapseWhitespace(parts.join(''));
}

/** At most `max` characters, cut at a whole word, with an ellipsis when something was cut. */
export function summarize(text: string, max = 300): string {
  const clean = collapseWhitespace(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max); // leaves room for the ellipsis after trimming at least one character
  const lastSpace = cut.lastIndexOf(' ');
  // A single enormous word (a URL) would otherwise leave almost nothing: then cut mid-word.
  const words = lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut.slice(0, max - 1);
  return words.replace(/[\s,;:.\-–—]+$/, '') + '…';
}

/**
 * A title as plain text. Feeds escape titles once, twice (`&amp;amp;`) or wrap them in tags, so
 * strip-and-decode repeats until nothing changes (at most three rounds: "&amp;amp;amp;" is not a title).
 */
export function cleanTitle(raw: string | null | undefined): string {
  let title = raw ?? '';
  for (let round = 0; round < 3; round++) {
    const next = plainText(title);
    if (next === title) break;
    title = next;
  }
  return collapseWhitespace(title);
}

/** Explicit media (media:content, media:thumbnail, image enclosures) first, else the first image in the content. */
export function mainImage(candidates: readonly string[], contentImage: string | null, base: string): string | null {
  for (const candidate of candidates) {
    const url = resolveUrl(candidate, base);
    if (url) return url;
  }
  return contentImage;
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
