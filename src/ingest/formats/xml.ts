// Parses repaired feed XML with fast-xml-parser into a uniform tree, with helpers to read text, attributes and xml:base.
import { XMLParser } from 'fast-xml-parser';
import { decodeXML } from 'entities';
import { FeedParseError } from '../types.ts';
import { RAW_TEXT_TAGS } from './xml-repair.ts';
import { splitCdata } from './cdata.ts';

/** An element: '@_name' attributes (strings), '#text', '#cdata', and child elements as arrays. */
export type XmlNode = { readonly [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Entities are decoded by us (decodeXML) after parsing, so the parser never expands anything:
  // together with the DOCTYPE refusal that keeps entity expansion out of the picture entirely.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false, // "2.0" and numeric guids stay strings
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  cdataPropName: '#cdata',
  ignorePiTags: true,
  // Callbacks get the parser's path matcher rather than a path string built for every tag, text and attribute:
  // isArray reads no path, and building those strings was 3 % of a parse worker's time (bench/ingest profile).
  jPath: false,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  stopNodes: RAW_TEXT_TAGS.map((tag) => `*.${tag}`),
});

export function parseXml(xml: string): XmlNode {
  try {
    return parser.parse(xml) as XmlNode;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FeedParseError(`the XML could not be read: ${reason}`);
  }
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

export function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? decodeXML(value) : null;
}

/** Text content with entities decoded; CDATA kept literally. Empty text is null. */
export function text(node: XmlNode | undefined): string | null {
  if (!node) return null;
  const raw = typeof node['#text'] === 'string' ? node['#text'] : '';
  const cdata = children(node, '#cdata').map((part) => (typeof part['#text'] === 'string' ? part['#text'] : ''));
  const value = (decodeMixed(raw) + cdata.join('')).trim();
  return value || null;
}

/** The raw inner markup of a raw-text element, untouched (for Atom xhtml content). */
export function innerMarkup(node: XmlNode | undefined): string | null {
  const raw = node?.['#text'];
  return typeof raw === 'string' && raw.trim() ? raw.trim() : null;
}

export function childText(node: XmlNode | undefined, name: string): string | null {
  return text(child(node, name));
}

/** Resolves an element's xml:base against the inherited base. */
export function withBase(node: XmlNode | undefined, inherited: string): string {
  const base = attr(node, 'xml:base');
  if (!base) return inherited;
  try {
    return new URL(base, inherited).href;
  } catch {
    return inherited;
  }
}

/** Raw-text elements can hold CDATA sections inline: those are literal, the rest is entity-decoded. */
function decodeMixed(raw: string): string {
  return splitCdata(raw).map((part) => (part.cdata ? part.text : decodeXML(part.text))).join('');
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null;
}
