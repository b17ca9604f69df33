import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { parseOpml, renderOpml, type OpmlFeed } from '../../src/ingest/opml.ts';

const exported = `<?xml version="1.0" encoding="UTF-8"?>
<!-- As exported by a typical reader: folders, a category attribute, odd attribute case, a bare & -->
<opml version="1.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Tech" title="Tech">
      <outline text="Kernel news" title="Kernel news" type="rss" xmlUrl="https://k.example/feed" htmlUrl="https://k.example/"/>
      <outline text="Deep">
        <outline text="https://deep.example/rss" type="rss" xmlurl="https://deep.example/rss" category="/Science/Space, Weekly"/>
      </outline>
    </outline>
    <outline text="Loose &amp; free" type="rss" xmlUrl="https://loose.example/rss?a=1&amp;b=2"/>
    <outline text="Folder without feeds"/>
  </body>
</opml>`;

describe('parseOpml', () => {
  it('reads feeds, folder tags and category tags', () => {
    const opml = parseOpml(exported);
    expect(opml.title).toBe('My feeds');
    expect(opml.feeds).toEqual([
      { url: 'https://k.example/feed', title: 'Kernel news', htmlUrl: 'https://k.example/', tags: ['Tech'] },
      { url: 'https://deep.example/rss', title: null, htmlUrl: null, tags: ['Tech', 'Deep', 'Science/Space', 'Weekly'] },
      { url: 'https://loose.example/rss?a=1&b=2', title: 'Loose & free', htmlUrl: null, tags: [] },
    ]);
  });

  it('refuses entity declarations', () => {
    expect(() => parseOpml('<!DOCTYPE opml [<!ENTITY a "b">]><opml><body/></opml>')).toThrow(/declares XML entities/);
  });
});

describe('renderOpml', () => {
  const feeds: OpmlFeed[] = [
    { url: 'https://a.example/feed?x=1&y=2', title: 'A <b>"quoted"</b> & co', htmlUrl: 'https://a.example/', tags: ['News', 'World'] },
    { url: 'https://b.example/rss', title: null, htmlUrl: null, tags: [] },
    { url: 'https://c.example/rss', title: 'C', htmlUrl: null, tags: ['News'] },
    { url: 'https://d.example/rss', title: 'D', htmlUrl: 'https://d.example/', tags: ['Tech & Science'] },
  ];
  const xml = renderOpml({ title: 'Mine & "yours"', feeds, dateCreated: new Date('2026-11-20T12:00:00Z') });

  it('writes well-formed OPML 2.0 with an RFC 822 dateCreated', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<opml version="2.0">');
    expect(xml).toContain('<dateCreated>Fri, 20 Nov 2026 12:00:00 GMT</dateCreated>');
    expect(xml).toContain('xmlUrl="https://a.example/feed?x=1&amp;y=2"');
    expect(xml).toContain('title="A &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; co"');
  });

  it('nests feeds in a folder per first tag', () => {
    expect(xml).toMatch(/<outline text="News" title="News">\s*<outline type="rss" text="A /);
  });

  it('round-trips through parseOpml', () => {
    const back = parseOpml(xml);
    expect(back.title).toBe('Mine & "yours"');
    const byUrl = (list: OpmlFeed[]) => [...list].sort((a, b) => a.url.localeCompare(b.url));
    expect(byUrl(back.feeds)).toEqual(byUrl(feeds));
  });
});
