// Makes feed HTML safe (sanitize-html allow-list) and derives plain text, summaries, titles and the main image.
import sanitize from 'sanitize-html';
import { Parser } from 'htmlparser2';
import { resolveUrl } from './url.ts';
import type { TextType } from '../formats/raw.ts';

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
  /**
   * The sanitized HTML's plain text, as plainText(html, textLength) reads it, gathered in the same pass: whitespace
   * collapsed, and at least textLength characters of it when there are that many (the rest may be cut).
   */
  text: string;
}

/**
 * Allow-list sanitising: anything not listed (script, style, iframe, object, embed, form, event handlers,
 * style attributes) is dropped. Relative links and images are resolved against the item's base first,
 * then only http(s) (and mailto for links) survive.
 */
export function sanitizeHtml(html: string, base: string): string {
  return sanitizeFeedHtml(html, base, 0).html;
}

/**
 * sanitizeHtml, also noting the first real image and the plain text on the way, so neither costs a second parse.
 * textLength: how much text the caller needs (a summary wants its first 300 characters); gathering stops after that.
 */
export function sanitizeFeedHtml(html: string, base: string, textLength = Infinity): SanitizedHtml {
  let firstImage: string | null = null;
  const text = new TextGatherer(textLength, OUTPUT_BLOCK_TAGS);
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
    // The plain text rides along: every text the output keeps passes textFilter (escaped, as written out), and the
    // tags that separate blocks in the output are seen opening and closing.
    ...(textLength > 0 ? {
      textFilter: (escaped: string) => {
        text.add(unescapeOutputText(escaped));
        return escaped;
      },
      onOpenTag: (name: string) => text.tag(name, true),
      onCloseTag: (name: string) => text.tag(name, false),
    } : {}),
  }).trim();
  return { html: clean, firstImage, text: text.done() };
}

const ESCAPED = /&(amp|lt|gt);/g;
const UNESCAPED: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

/** sanitize-html escapes &, < and > of the decoded text it writes out, nothing else: this undoes exactly that. */
function unescapeOutputText(escaped: string): string {
  return escaped.includes('&') ? escaped.replace(ESCAPED, (_, name: string) => UNESCAPED[name]!) : escaped;
}

/**
 * Gathers the plain text of HTML from a parser's events (plainText's own parse, or sanitize-html's hooks): hidden
 * elements skipped, a space at each block tag, and no more than `enough` characters' worth once whitespace collapses.
 */
class TextGatherer {
  readonly #enough: number;
  readonly #blockTags: ReadonlySet<string>;
  readonly #parts: string[] = [];
  #hiddenDepth = 0;
  #collected = 0;
  #checkAt: number;
  /** Whether enough text is in hand: what comes later is ignored (and a parser of our own may stop). */
  full = false;

  constructor(enough: number, blockTags: ReadonlySet<string>) {
    this.#enough = enough;
    this.#blockTags = blockTags;
    this.#checkAt = enough;
  }

  get hidden(): boolean {
    return this.#hiddenDepth > 0;
  }

  add(text: string): void {
    if (this.full) return;
    this.#parts.push(text);
    this.#collected += text.length;
    // Raw text may be mostly whitespace, so count what survives collapsing before stopping.
    if (this.#collected > this.#checkAt) {
      if (collapseWhitespace(this.#parts.join('')).length > this.#enough) this.full = true;
      else this.#checkAt = this.#collected * 2;
    }
  }

  tag(name: string, opening: boolean): void {
    if (HIDDEN.has(name)) this.#hiddenDepth = Math.max(0, this.#hiddenDepth + (opening ? 1 : -1));
    else if (this.#hiddenDepth === 0 && !this.full && this.#blockTags.has(name)) this.#parts.push(' ');
  }

  done(): string {
    return collapseWhitespace(this.#parts.join(''));
  }
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
/** The block tags sanitized output can hold: the ones that separate its text. */
const OUTPUT_BLOCK_TAGS = new Set(ALLOWED_TAGS.filter((tag) => BLOCK_TAGS.has(tag)));

/**
 * Text of an HTML fragment: entities decoded, hidden elements skipped, blocks separated, whitespace collapsed.
 * With `enough`, parsing stops once that many characters of text are in hand (a summary needs the start only).
 */
export function plainText(html: string, enough = Infinity): string {
  // Most titles, names and categories carry neither markup nor entities: nothing to parse.
  if (!html.includes('<') && !html.includes('&')) return collapseWhitespace(html);
  const text = new TextGatherer(enough, BLOCK_TAGS);
  const parser = new Parser(
    {
      onopentag: (name) => text.tag(name, true),
      ontext(chunk) {
        if (text.hidden) return;
        text.add(chunk);
        if (text.full) parser.pause();
      },
      onclosetag: (name) => text.tag(name, false),
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return text.done();
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
 * A title (or any short text field) as plain text, read once according to how it was written (see TextType): a text
 * construct is never decoded again nor tag-stripped, so `std::vector&lt;bool&gt;` stays `std::vector<bool>`.
 */
export function titleText(raw: string | null | undefined, type: TextType = 'loose'): string {
  if (!raw) return '';
  if (type === 'text') return collapseWhitespace(raw);
  return plainText(type === 'html' ? raw : keepNonHtmlAngles(raw));
}

/** A short loose text field (category, author name) as plain text: see titleText. */
export function cleanTitle(raw: string | null | undefined): string {
  return titleText(raw, 'loose');
}

/**
 * HTML element names. In loose text only these count as tags: a '<' before anything else (`<bool>`, `<<<`, `a < b`)
 * is the author's text. The hidden-content elements are included so a `<script>` in a title still loses its code.
 */
const HTML_ELEMENTS = new Set([
  ...ALLOWED_TAGS, ...HIDDEN_CONTENT, ...BLOCK_TAGS, 'span', 'font', 'big', 'center', 'strike', 'tt', 'var', 'samp',
  'dfn', 'bdi', 'bdo', 'wbr', 'nobr', 'time', 'data', 'label', 'form', 'input', 'embed', 'video', 'audio', 'source',
  'picture', 'svg', 'math', 'html', 'body', 'head', 'meta', 'link', 'title', 'main', 'nav', 'details', 'summary',
]);
const ANGLE = /<(?!!--)(\/?)([A-Za-z][A-Za-z0-9]*)?/g;

/** Escapes every '<' that does not open or close a known HTML element, so an HTML reading keeps it as text. */
export function keepNonHtmlAngles(text: string): string {
  if (!text.includes('<')) return text;
  return text.replace(ANGLE, (match: string, _slash: string, name: string | undefined, offset: number) =>
    isHtmlTag(text, match, name, offset) ? match : '&lt;' + match.slice(1));
}

/** Whether text holds at least one known HTML element tag (how Atom text with no declared type is told apart). */
export function hasHtmlTag(text: string): boolean {
  if (!text.includes('<')) return false;
  for (const match of text.matchAll(ANGLE)) if (isHtmlTag(text, match[0], match[2], match.index)) return true;
  return false;
}

function isHtmlTag(text: string, match: string, name: string | undefined, offset: number): boolean {
  const next = text[offset + match.length];
  return !!name && HTML_ELEMENTS.has(name.toLowerCase()) && (next === undefined || /[\s/>]/.test(next));
}

/** Explicit media (media:content, media:thumbnail, image enclosures) first, else the first image in the content. */
export function mainImage(candidates: readonly string[], contentImage: string | null, base: string): string | null {
  for (const candidate of candidates) {
    const url = resolveUrl(candidate, base);
    if (url) return url;
  }
  return contentImage;
}

/**
 * The text with each run of whitespace (JavaScript's \s: Unicode spaces and line breaks) made one space, and none at
 * either end. Only runs that are not already one plain space are replaced: most of a text's gaps are one space, and
 * replacing each of those by itself (/\s+/g) copied the string gap by gap; 0.46 s of a parse worker's 11 s for the
 * bench feeds, where this function runs on every summary and text up to three times.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}
