// Splits raw element content into CDATA sections and the text between them, understanding CDATA written inside CDATA.
import { escapeText } from 'entities';

const OPEN = '<![CDATA[';
const CLOSE = ']]>';

export interface RawPart {
  /** For a CDATA section, its content (nested sections already made into escaped text); else the raw text. */
  text: string;
  cdata: boolean;
}

/**
 * Feeds that quote XML inside a CDATA section nest a second one (`<![CDATA[ … <![CDATA[x]]> … ]]>`), which XML does not
 * allow: read literally, the inner ']]>' ends the outer section and the rest of the body becomes stray markup. A
 * section therefore ends at the ']]>' that balances its openings; inner sections become escaped text (their content
 * was meant to be shown, not parsed). When the openings never balance, the first ']]>' ends it, as XML says.
 */
export function splitCdata(raw: string): RawPart[] {
  if (!raw.includes(OPEN)) return [{ text: raw, cdata: false }];
  const parts: RawPart[] = [];
  let at = 0;
  while (at < raw.length) {
    const open = raw.indexOf(OPEN, at);
    if (open === -1) break;
    if (open > at) parts.push({ text: raw.slice(at, open), cdata: false });
    const end = sectionEnd(raw, open);
    if (end === -1) {
      at = open; // unterminated: left to the XML reader as it is
      break;
    }
    parts.push({ text: unnest(raw.slice(open + OPEN.length, end)), cdata: true });
    at = end + CLOSE.length;
  }
  if (at < raw.length) parts.push({ text: raw.slice(at), cdata: false });
  return parts;
}

/** Where the CDATA section opened at `open` ends (the index of its ']]>'), or -1 when it never does. */
export function sectionEnd(raw: string, open: number): number {
  const first = raw.indexOf(CLOSE, open + OPEN.length);
  if (first === -1) return -1;
  if (raw.lastIndexOf(OPEN, first) === open) return first; // no inner opening before the first close: the usual case
  let depth = 0;
  let at = open;
  while (at < raw.length) {
    const nextOpen = raw.indexOf(OPEN, at);
    const nextClose = raw.indexOf(CLOSE, at);
    if (nextClose === -1) return first; // the openings never balance: XML's own reading
    if (nextOpen !== -1 && nextOpen < nextClose) {
      depth++;
      at = nextOpen + OPEN.length;
    } else {
      depth--;
      if (depth === 0) return nextClose;
      at = nextClose + CLOSE.length;
    }
  }
  return first;
}

function unnest(content: string): string {
  if (!content.includes(OPEN)) return content;
  return splitCdata(content).map((part) => (part.cdata ? escapeText(part.text) : part.text)).join('');
}
