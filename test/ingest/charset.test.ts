import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/parse.ts';
import { FEED_URL, NOW, fixture, parseFixture } from './load.ts';
import { decodeUtf8WithStrayBytes } from '../../src/ingest/decode.ts';

const CP1252_TITLE = '“Smart quotes” – café costs €5';

describe('charset detection and decoding', () => {
  it('decodes windows-1252 named in the prolog', () => {
    const feed = parseFixture('windows-1252-prolog.xml');
    expect(feed.items[0]!.title).toBe(CP1252_TITLE);
    expect(feed.items[0]!.summary).toBe('Naïve résumé — ‘single’ quotes…');
    expect(feed.warnings).toEqual([]);
  });

  it('trusts the prolog when the header says utf-8 but the bytes are windows-1252', () => {
    const feed = parseFixture('windows-1252-utf8-header.xml', { contentType: 'application/rss+xml; charset=UTF-8' });
    expect(feed.items[0]!.title).toBe(CP1252_TITLE);
    expect(feed.warnings.join('\n')).toMatch(/header says utf-8 but the bytes are not UTF-8/);
  });

  it('falls back to windows-1252 with a warning when undeclared bytes are not UTF-8', () => {
    const feed = parseFixture('windows-1252-undeclared.xml');
    expect(feed.items[0]!.title).toBe(CP1252_TITLE);
    expect(feed.warnings.join('\n')).toMatch(/not valid UTF-8; decoded it as windows-1252/);
  });

  it('lets the header win over the prolog when the bytes agree with the header', () => {
    // The bytes are windows-1252 and the header says so; the prolog wrongly claims UTF-8.
    const lying = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item><title>caf'),
      Buffer.from([0xe9]),
      Buffer.from('</title></item></channel></rss>'),
    ]);
    const feed = parseFeed(lying, { url: FEED_URL, now: NOW, contentType: 'text/xml; charset=windows-1252' });
    expect(feed.items[0]!.title).toBe('café');
  });

  it('trusts a utf-8 prolog over a latin-1 header when the bytes are valid UTF-8', () => {
    const feed = parseFixture('rss20.xml', { contentType: 'text/xml; charset=ISO-8859-1' });
    expect(feed.items[0]!.author).toBe('Maria Núñez');
    expect(feed.warnings.join('\n')).toMatch(/bytes are valid UTF-8/);
  });

  it('decodes ISO-8859-1', () => {
    const feed = parseFixture('iso-8859-1.xml');
    expect(feed.items[0]!.title).toBe('Grüße aus München ©');
    expect(feed.items[0]!.summary).toBe('Straße und Ärger');
  });

  it('decodes UTF-16 with a byte-order mark, including astral characters', () => {
    expect(fixture('utf16-bom.xml').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    const feed = parseFixture('utf16-bom.xml');
    expect(feed.items[0]!.title).toBe('日本語のニュース – UTF-16');
    expect(feed.items[0]!.summary).toBe('Emoji 📰 survive.');
  });

  it('lets a BOM win over a contradicting header', () => {
    const feed = parseFixture('utf8-bom.xml', { contentType: 'text/xml; charset=windows-1252' });
    expect(feed.items[0]!.title).toBe('BOM über alles');
  });

  it('ignores an unknown charset label with a warning', () => {
    const feed = parseFixture('rss20.xml', { contentType: 'text/xml; charset=x-klingon' });
    expect(feed.items[0]!.author).toBe('Maria Núñez');
    expect(feed.warnings.join('\n')).toMatch(/unknown charset "x-klingon"/);
  });
});

describe('UTF-8 with stray windows-1252 bytes', () => {
  it('keeps the valid UTF-8 and reads only the stray bytes as windows-1252', () => {
    const feed = parseFixture('mixed-utf8-stray-quotes.rss');
    expect(feed.items[0]!.title).toBe('Café – déjà vu');
    expect(feed.items[0]!.summary).toBe('“Quoted” — caféé');
    expect(feed.warnings.join('\n')).toMatch(/UTF-8 except for 4 stray byte\(s\)/);
  });

  it('does the same after a UTF-8 byte-order mark instead of writing U+FFFD', () => {
    const feed = parseFixture('utf8-bom-stray-byte.xml');
    expect(feed.items[0]!.title).toBe('It’s über');
    expect(feed.items[0]!.summary).toBe('Don’t panic');
  });

  it('reads valid UTF-8 served with a latin-1 charset and no prolog encoding as UTF-8', () => {
    const feed = parseFixture('utf8-undeclared-latin1-header.xml', { contentType: 'text/xml; charset=ISO-8859-1' });
    expect(feed.items[0]!.title).toBe('München – Überblick');
    expect(feed.warnings.join('\n')).toMatch(/labelled windows-1252 but its bytes are valid UTF-8/);
  });

  it('reads overlong forms and surrogate encodings as stray bytes, not as UTF-8', () => {
    expect(decodeUtf8WithStrayBytes(Uint8Array.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x41])).text).toBe('À¯í\u00a0€A');
  });
});

