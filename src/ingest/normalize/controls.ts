// Keeps control characters out of everything Wirefold stores: they reach <title>, <h1> and meta tags otherwise, and a
// single one makes our own RSS/Atom output ill-formed XML.

// C0 controls but tab and line feed, DEL, C1 controls, the noncharacters U+FFFE/U+FFFF (not XML characters either),
// and UTF-16 surrogates left unpaired (from JSON "\ud800" escapes), which no encoder can write out.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Whether the text may hold anything withoutControls changes (a carriage return, a control, a surrogate even if
 * paired): one plain character-class scan, which V8 runs far faster than CONTROLS with its look-arounds, so the common
 * clean text (every stored item's HTML passes here) skips both replacements.
 */
const MAYBE_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** The text without control characters; a carriage return becomes a line feed (CRLF one line feed). */
export function withoutControls(text: string): string {
  if (!MAYBE_CONTROLS.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, '');
}

/** withoutControls for a value that may be missing. */
export function withoutControlsOrNull(text: string | null): string | null {
  return text === null ? null : withoutControls(text);
}
