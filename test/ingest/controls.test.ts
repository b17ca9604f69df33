// Kind 7 of issue 13: no C0/C1 control character (but tab and newline) reaches stored text.
import { describe, expect, it } from 'vitest';
import { withoutControls } from '../../src/ingest/normalize/controls.ts';
import { itemByGuid, parseFixture } from './load.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

describe('control characters in a feed', () => {
  const feed = parseFixture('control-characters.rss');

  it('never reach any stored field', () => {
    expect(feed.title).toBe('Bell News');
    for (const item of feed.items) {
      for (const value of [item.guid, item.title, item.summary, item.contentHtml, item.author ?? '', ...item.categories]) {
        expect(value, JSON.stringify(value)).not.toMatch(CONTROL);
      }
    }
  });

  it('leave the words around them whole', () => {
    const item = itemByGuid(feed, 'c-1');
    expect(item.title).toBe('Alarm bells ring twice');
    expect(item.summary).toBe('Line one line two – done');
    expect(item.author).toBe('Ann Lee');
    expect(item.categories).toEqual(['Science']);
    expect(item.contentHtml).toBe('<p>Paragraph one</p>');
    expect(itemByGuid(feed, 'c-2').title).toBe('Double-escaped control …ref');
  });

  it('a title of nothing but controls falls back to the summary', () => {
    expect(itemByGuid(feed, 'c-3').title).toBe('Only controls in the title.');
  });
});

describe('withoutControls', () => {
  it('keeps tab and newline, turns CR into newline, drops C0, DEL, C1, noncharacters and lone surrogates', () => {
    expect(withoutControls('a\tb\r\nc\rd\u0000\u001f\u007f\u0080\u009f\ufffe\ud800e\ud83d\udcf0')).toBe('a\tb\nc\nde\ud83d\udcf0');
  });
});
