// Mends common feed XML breakage (bad entities, unclosed or stray tags, truncation) before parsing, noting each fix.
import { decodeHTML } from 'entities';
import { FeedParseError } from '../types.ts';
import { ENTITY_REFUSAL } from './xml-guard.ts';
import { TagNamer } from './namespaces.ts';
import { sectionEnd, splitCdata } from './cdata.ts';
import { WINDOWS_1252 } from '../decode.ts';

/**
 * Elements whose content is kept as raw text by the parser (fast-xml-parser stopNodes): they hold
 * HTML, which feeds often leave unescaped and unbalanced, so we never try to balance tags inside them.
 */
export const RAW_TEXT_TAGS = ['title', 'description', 'content:encoded', 'summary', 'content', 'subtitle', 'tagline'];
const RAW_TEXT = new Set(RAW_TEXT_TAGS);
const ITEM_TAGS = new Set(['item', 'entry']);
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

interface Open {
  name: string;
  outLength: number; // where this element starts in the output, so a cut-off item can be dropped
}

interface Tally {
  bareAmpersands: number;
  htmlEntities: Set<string>;
  unknownEntities: Set<string>;
  badCharRefs: number;
}

/**
 * Returns well-formed-enough XML for fast-xml-parser (which is lenient but silent) and says what changed:
 * - `&` that starts no entity is escaped; HTML named entities (`&nbsp;`) become numeric references;
 * - element names get canonical namespace prefixes (content:, dc:, media:, atom:);
 * - a close tag for an element opened further up closes the ones in between; a close tag for
 *   nothing open is dropped; text after the root element is dropped;
 * - at a premature end the open elements are closed, and an item cut inside one of its fields is dropped.
 * DOCTYPE or ENTITY markup inside the document is refused like in the prolog.
 */
export function repairXml(xml: string, mainNamespaces: readonly string[], warnings: string[]): string {
  const tally: Tally = { bareAmpersands: 0, htmlEntities: new Set(), unknownEntities: new Set(), badCharRefs: 0 };
  const namer = new TagNamer(mainNamespaces);
  const out: string[] = [];
  let outLength = 0;
  // Input copied unchanged, as one span [keptFrom, keptTo) not yet in `out`: most of a feed needs no repair, and
  // pushing it tag by tag made joining the output the largest part of this function's time (bench/ingest's feeds).
  let keptFrom = 0;
  let keptTo = 0;
  const flushKept = (): void => {
    if (keptTo > keptFrom) out.push(xml.slice(keptFrom, keptTo));
    keptFrom = keptTo = 0;
  };
  const emit = (s: string): void => {
    flushKept();
    out.push(s);
    outLength += s.length;
  };
  /**
   * Writes `s`, the repaired form of xml[start, end): when it is that input unchanged, by extending the kept span.
   * `original`: that input as a string, when the caller has it; `s` being that very string spares the comparison.
   */
  const emitFor = (start: number, end: number, s: string, original?: string): void => {
    if (s !== original && (s.length !== end - start || !xml.startsWith(s, start))) return emit(s);
    if (keptTo !== start || keptTo === 0) {
      flushKept();
      keptFrom = start;
    }
    keptTo = end;
    outLength += s.length;
  };
  const stack: Open[] = [];
  const fixes: string[] = [];
  let truncatedInside: 'field' | 'between' | null = null;
  const closers = new Map<string, RegExp>(); // one close-tag pattern per raw-text element name in this document
  const cdata: CdataCursor = { next: -1 };
  let i = 0;

  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) {
      const text = xml.slice(i, textEnd);
      emitFor(i, textEnd, repairEntities(text, tally), text);
    }
    if (lt === -1) {
      truncatedInside = 'between';
      break;
    }
    if (xml.startsWith('<!--', lt) || xml.startsWith('<![CDATA[', lt)) {
      const terminator = xml.startsWith('<!--', lt) ? '-->' : ']]>';
      const end = xml.indexOf(terminator, lt);
      if (end === -1) {
        truncatedInside = 'field';
        break;
      }
      emitFor(lt, end + terminator.length, xml.slice(lt, end + terminator.length));
      i = end + terminator.length;
    } else if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end === -1) {
        truncatedInside = 'field';
        break;
      }
      i = end + 2; // processing instructions carry nothing a feed reader needs
    } else if (xml.startsWith('<!', lt)) {
      throw new FeedParseError(ENTITY_REFUSAL);
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt);
      if (end === -1) {
        truncatedInside = 'field';
        break;
      }
      const name = namer.canonical(xml.slice(lt + 2, end).trim());
      i = end + 1;
      const depth = stack.findLastIndex((open) => open.name === name);
      if (depth === -1) {
        fixes.push(`dropped a stray closing tag </${name}>`);
        continue;
      }
      while (stack.length > depth + 1) {
        const unclosed = stack.pop()!;
        fixes.push(`closed an unclosed <${unclosed.name}>`);
        emit(`</${unclosed.name}>`);
      }
      stack.pop();
      emitFor(lt, i, `</${name}>`);
      if (stack.length === 0) {
        if (xml.slice(i).trim()) fixes.push('dropped text after the end of the root element');
        break;
      }
    } else if (startsName(xml.charCodeAt(lt + 1))) {
      const end = startTagEnd(xml, lt);
      if (end === -1) {
        truncatedInside = 'field';
        break;
      }
      const tag = xml.slice(lt, end);
      const rawName = /^<([^\s/>]+)/.exec(tag)![1]!;
      namer.learn(tag);
      const name = namer.canonical(rawName);
      const selfClosing = tag.endsWith('/>');
      const openTag = `<${name}${repairEntities(tag.slice(rawName.length + 1), tally)}`;
      i = end;
      if (selfClosing) {
        emitFor(lt, end, openTag);
        continue;
      }
      if (RAW_TEXT.has(name)) {
        const close = findClose(xml, rawName, i, closers, cdata);
        if (!close) {
          stack.push({ name, outLength });
          truncatedInside = 'field';
          break;
        }
        // In three parts, so that a long field needing no repair is neither copied nor compared.
        const raw = xml.slice(i, close.start);
        emitFor(lt, i, openTag);
        emitFor(i, close.start, repairRawText(raw, tally), raw);
        emitFor(close.start, close.end, `</${name}>`);
        i = close.end;
        continue;
      }
      stack.push({ name, outLength });
      emitFor(lt, end, openTag);
    } else {
      fixes.push("escaped a '<' that starts no tag");
      emit('&lt;');
      i = lt + 1;
    }
  }

  flushKept();
  if (stack.length > 0) {
    // An item whose fields are all complete only lost its closing tags; one cut mid-field is dropped.
    const itemDepth = stack.findLastIndex((open) => ITEM_TAGS.has(open.name));
    if (itemDepth !== -1 && (truncatedInside === 'field' || stack.length > itemDepth + 1)) {
      const item = stack[itemDepth]!;
      const kept = out.join('').slice(0, item.outLength);
      out.length = 0;
      out.push(kept);
      stack.length = itemDepth;
      fixes.push(`the document is cut off: dropped the incomplete last <${item.name}>`);
    }
    fixes.push(`the document ends early: closed ${stack.length} element(s) left open`);
    for (const open of stack.reverse()) out.push(`</${open.name}>`);
  }
  reportEntities(tally, warnings);
  warnings.push(...summarise(fixes));
  // A feed that needed no repair at all is returned as it came, without a copy.
  return out.length === 1 ? out[0]! : out.join('');
}

/** Finds the '>' ending a start tag, skipping quoted attribute values; -1 if the document ends first. */
function startTagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let i = from + 1; i < xml.length; i++) {
    const ch = xml[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i + 1;
  }
  return -1;
}

/** A letter or '_': what an element name starts with (so '<' before anything else is text, not a tag). */
function startsName(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * The close tag of a raw-text element. One written inside a CDATA section is text (an article quoting feed XML), so
 * the search goes on after that section. Where the next CDATA section starts is remembered (`cdata`), as raw-text
 * elements come in document order: without it, a feed with no CDATA left would be scanned to its end once per field.
 */
function findClose(xml: string, rawName: string, from: number, closers: Map<string, RegExp>, cdata: CdataCursor): { start: number; end: number } | null {
  let pattern = closers.get(rawName);
  if (!pattern) {
    pattern = new RegExp(`</${rawName.replace(/[.]/g, '\\.')}\\s*>`, 'g');
    closers.set(rawName, pattern);
  }
  let at = from;
  for (;;) {
    pattern.lastIndex = at;
    const match = pattern.exec(xml);
    if (!match) return null;
    if (cdata.next < at) {
      const next = xml.indexOf('<![CDATA[', at);
      cdata.next = next === -1 ? Infinity : next;
    }
    if (cdata.next > match.index) return { start: match.index, end: match.index + match[0].length };
    const end = sectionEnd(xml, cdata.next);
    if (end === -1) return { start: match.index, end: match.index + match[0].length };
    at = end + 3;
    cdata.next = -1;
  }
}

interface CdataCursor {
  /** Where the next CDATA section starts at or after the last search point (Infinity: none; -1: not known). */
  next: number;
}

/** Repairs entities in raw element content, leaving CDATA sections exactly as they are. */
function repairRawText(raw: string, tally: Tally): string {
  if (!raw.includes('<![CDATA[')) return repairEntities(raw, tally);
  // Nested sections are flattened here (see splitCdata), so the XML reader sees one well-formed section.
  return splitCdata(raw)
    .map((part) => (part.cdata ? `<![CDATA[${part.text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>` : repairEntities(part.text, tally)))
    .join('');
}

const ENTITY_OR_AMPERSAND = /&(#[0-9]+;|#x[0-9a-f]+;|[a-z][a-z0-9]*;)?/gi;

/** The text with its entities repaired (see repairXml); the very same string when nothing needed repair. */
function repairEntities(text: string, tally: Tally): string {
  if (!text.includes('&')) return text;
  let changed = false;
  const repaired = text.replace(ENTITY_OR_AMPERSAND, (match, ref: string | undefined) => {
    const replacement = repairEntity(match, ref, tally);
    if (replacement !== match) changed = true;
    return replacement;
  });
  return changed ? repaired : text;
}

/** One match of ENTITY_OR_AMPERSAND (`ref`: what follows the '&', if an entity), repaired; itself when it is sound. */
function repairEntity(match: string, ref: string | undefined, tally: Tally): string {
  if (!ref) {
    tally.bareAmpersands++;
    return '&amp;';
  }
  if (ref.startsWith('#')) {
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    // &#150; and friends mean the windows-1252 character of that byte (as HTML reads them), not a C1 control.
    if (code >= 0x80 && code <= 0x9f) return `&#${WINDOWS_1252[code]!.codePointAt(0)};`;
    if (isXmlChar(code)) return match;
    tally.badCharRefs++;
    return '&#xFFFD;';
  }
  const name = ref.slice(0, -1);
  if (XML_ENTITIES.has(name)) return match;
  const decoded = decodeHTML(match);
  if (decoded !== match) {
    tally.htmlEntities.add(match);
    return [...decoded].map((ch) => `&#${ch.codePointAt(0)};`).join('');
  }
  tally.unknownEntities.add(match);
  return `&amp;${ref}`;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}

function reportEntities(tally: Tally, warnings: string[]): void {
  if (tally.bareAmpersands) warnings.push(`escaped ${tally.bareAmpersands} bare '&' character(s) that started no entity`);
  if (tally.htmlEntities.size) warnings.push(`decoded HTML entities that XML does not declare: ${[...tally.htmlEntities].join(' ')}`);
  if (tally.unknownEntities.size) warnings.push(`kept unknown entities as plain text: ${[...tally.unknownEntities].join(' ')}`);
  if (tally.badCharRefs) warnings.push(`replaced ${tally.badCharRefs} invalid character reference(s) with \uFFFD`);
}

/** Collapses repeated fixes into one line each, with a count. */
function summarise(fixes: string[]): string[] {
  const counts = new Map<string, number>();
  for (const fix of fixes) counts.set(fix, (counts.get(fix) ?? 0) + 1);
  return [...counts].map(([fix, n]) => (n > 1 ? `${fix} (${n} times)` : fix));
}
