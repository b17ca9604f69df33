// Maps whatever namespace prefixes a feed chose onto the canonical ones the format adapters look for.

export const NS = {
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
} as const;

// Feeds mostly use these prefixes already, but `<foo:encoded xmlns:foo="…content/">` is just as valid.
const CANONICAL_PREFIX: Record<string, string> = {
  [NS.atom10]: 'atom',
  [NS.atom03]: 'atom',
  [NS.rdf]: 'rdf',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
};

const XMLNS_ATTRIBUTE = /\sxmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2/g;

/**
 * Renames element names as it goes: elements in the format's own namespace (Atom in an Atom feed,
 * RSS 1.0 in an RDF feed) lose their prefix, known extensions get their usual prefix, others stay.
 * Declarations are learnt from every start tag, document-wide: feeds don't rebind prefixes.
 */
export class TagNamer {
  private readonly prefixes = new Map<string, string>(); // declared prefix -> canonical
  private readonly main: ReadonlySet<string>;

  constructor(mainNamespaces: readonly string[]) {
    this.main = new Set(mainNamespaces);
  }

  learn(startTag: string): void {
    if (!startTag.includes('xmlns')) return;
    for (const [, prefix = '', , uri = ''] of startTag.matchAll(XMLNS_ATTRIBUTE)) {
      // Unprefixed names always stay unprefixed, whatever default namespace is declared: the format adapters read
      // them as the format's own elements. Real feeds declare surprising defaults (RSS 2.0 rooted in the Atom
      // namespace, `<link xmlns="…Atom">` inside an RSS channel), and renaming every unprefixed element after such a
      // declaration (declarations are learnt document-wide) emptied the whole feed.
      if (prefix === '') continue;
      const canonical = this.main.has(uri) ? '' : CANONICAL_PREFIX[uri];
      if (canonical !== undefined) this.prefixes.set(prefix, canonical);
    }
  }

  canonical(name: string): string {
    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = name.slice(colon + 1);
    const canonical = this.prefixes.get(prefix);
    if (canonical === undefined) return name;
    return canonical ? `${canonical}:${local}` : local;
  }
}
