// Tells which feed format a decoded document is, and for XML where its root element starts.
import { FeedParseError, type FeedFormat } from '../types.ts';
import { checkDoctype } from './xml-guard.ts';

export type Detected =
  | { format: 'json'; text: string }
  | { format: Exclude<FeedFormat, 'json'>; xml: string };

const ROOTS: Record<string, Exclude<FeedFormat, 'json'>> = { rss: 'rss', RDF: 'rdf', feed: 'atom' };

export function detectFormat(text: string, warnings: string[]): Detected {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return { format: 'json', text: start };
  const { format, rootStart } = findRoot(text, warnings);
  // Everything before the root (declaration, comments, processing instructions, a checked DOCTYPE)
  // is dropped: the charset is already decoded and nothing there is needed to read the feed.
  return { format, xml: text.slice(rootStart) };
}

/**
 * Walks the prolog to the first feed root element. Stray text and stray elements before it (a PHP
 * notice, an HTML fragment) are skipped with a warning instead of failing the whole feed.
 */
function findRoot(text: string, warnings: string[]): { format: Exclude<FeedFormat, 'json'>; rootStart: number } {
  let i = 0;
  let firstElement: string | null = null;
  let sawDeclaration = false;
  let skippedJunk = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    const gap = text.slice(i, lt).replace(/\uFEFF/g, '');
    if (gap.trim()) skippedJunk += gap.trim().length;
    else if (gap && !sawDeclaration && text.startsWith('<?xml', lt)) {
      warnings.push('skipped whitespace before the XML declaration');
    }
    if (text.startsWith('<?', lt)) {
      if (text.startsWith('<?xml', lt)) sawDeclaration = true;
      i = endOf(text, '?>', lt);
    } else if (text.startsWith('<!--', lt)) {
      i = endOf(text, '-->', lt);
    } else if (/^<!DOCTYPE/i.test(text.slice(lt, lt + 9))) {
      if (/^<!DOCTYPE\s+html\b/i.test(text.slice(lt, lt + 20))) throw new FeedParseError('not a feed: this is an HTML page');
      const end = doctypeEnd(text, lt);
      checkDoctype(text.slice(lt, end));
      i = end;
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 200))?.[1];
      const format = name ? ROOTS[name.slice(name.indexOf(':') + 1)] : undefined;
      if (format) {
        if (skippedJunk) warnings.push(`skipped ${skippedJunk} characters of stray text and markup before the root element`);
        return { format, rootStart: lt };
      }
      firstElement ??= name ?? null;
      const end = text.indexOf('>', lt);
      skippedJunk += (end === -1 ? text.length : end + 1) - lt;
      i = end === -1 ? text.length : end + 1;
    }
  }
  if (firstElement?.toLowerCase() === 'html') throw new FeedParseError('not a feed: this is an HTML page');
  // A text that does not start with markup (a Markdown file, a log, plain text) is named by how it starts: its first "<"
  // is somewhere in its prose ("<http://…>"), and calling that a root element would mislead.
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (!start.startsWith('<')) throw new FeedParseError(`not a feed: it starts with ${JSON.stringify(start.split('\n')[0]!.slice(0, 40))}, not XML or JSON`);
  if (firstElement) throw new FeedParseError(`not a feed: the root element is <${firstElement}>, not RSS, Atom or RDF`);
  throw new FeedParseError('not a feed: no XML root element or JSON object was found');
}

function endOf(text: string, terminator: string, from: number): number {
  const end = text.indexOf(terminator, from);
  if (end === -1) throw new FeedParseError('not a feed: the document ends inside its prolog');
  return end + terminator.length;
}

/** A DOCTYPE ends at the first '>' outside its [internal subset] and outside quotes. */
function doctypeEnd(text: string, from: number): number {
  let inSubset = false;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') inSubset = true;
    else if (ch === ']') inSubset = false;
    else if (ch === '>' && !inSubset) return i + 1;
  }
  // An unterminated DOCTYPE may still hide entity declarations: check what there is, then give up.
  checkDoctype(text.slice(from));
  throw new FeedParseError('not a feed: the document ends inside its DOCTYPE');
}
