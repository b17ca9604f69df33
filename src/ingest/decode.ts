// Turns feed bytes into text: picks the charset (BOM, HTTP header, XML prolog) and decodes it with iconv-lite.
import iconv from 'iconv-lite';

/*
 * Which charset wins, in order:
 *  1. A byte-order mark (UTF-8, UTF-16 LE/BE). Nothing else can produce those bytes by accident.
 *     (UTF-16 without a BOM is recognised by the `<?` of its prolog, as XML 1.0 appendix F describes.)
 *  2. The HTTP header's charset, then the XML prolog's encoding, then UTF-8 (the XML and JSON Feed default).
 *     When header and prolog disagree the header wins only if the bytes agree with it:
 *     - header utf-8, bytes not valid UTF-8, prolog names a legacy charset -> the prolog (a server
 *       default stamped over a windows-1252 file is the usual cause);
 *     - header legacy, prolog utf-8, bytes valid UTF-8 with non-ASCII -> the prolog (valid multi-byte
 *       UTF-8 practically never happens by accident in legacy text).
 *  3. If UTF-8 was chosen but the bytes are not valid UTF-8, the valid UTF-8 sequences stay UTF-8 and only the
 *     stray bytes are read as windows-1252 (one pasted field must not garble the whole feed; in a document with no
 *     valid multi-byte sequence at all this is plain windows-1252), and say so, rather than writing U+FFFD.
 *  4. If windows-1252 was chosen by a label but the bytes are valid UTF-8 with multi-byte sequences, they are UTF-8
 *     (a server default of ISO-8859-1 stamped over a UTF-8 file; valid multi-byte UTF-8 practically never happens by
 *     accident in windows-1252 text).
 * Latin-1 and ASCII labels decode as windows-1252, as browsers do (WHATWG Encoding Standard):
 * feeds labelled ISO-8859-1 use the 0x80-0x9F range for curly quotes and dashes.
 */

const PROLOG_SCAN_BYTES = 1024;

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null | undefined, warnings: string[]): string {
  const bom = sniffBom(bytes);
  if (bom) {
    const body = bytes.subarray(bom.length);
    if (bom.charset === 'utf-8') {
      const text = decodeUtf8Strictly(body);
      if (text !== null) return text;
      // The BOM is strong evidence for UTF-8, so keep the valid parts and read only the stray bytes otherwise.
      const mixed = decodeUtf8WithStrayBytes(body);
      warnings.push(`the feed starts with a UTF-8 byte-order mark but has ${mixed.stray} byte(s) that are not UTF-8; read those as windows-1252`);
      return mixed.text;
    }
    return iconv.decode(Buffer.from(body), bom.charset);
  }
  const utf16 = sniffUtf16WithoutBom(bytes);
  if (utf16) return iconv.decode(Buffer.from(bytes), utf16);

  // Decoding as UTF-8 is also the test of whether the bytes are UTF-8: done once, at most, and kept.
  let utf8: string | null | undefined;
  const asUtf8 = () => (utf8 === undefined ? (utf8 = decodeUtf8Strictly(bytes)) : utf8);

  const header = usableCharset(charsetFromContentType(contentType), 'the HTTP header', warnings);
  const prolog = usableCharset(charsetFromProlog(bytes), 'the XML prolog', warnings);
  let charset = header ?? prolog ?? 'utf-8';

  if (header && prolog && header !== prolog) {
    if (header === 'utf-8' && !isUtf8Family(prolog) && asUtf8() === null) {
      charset = prolog;
      warnings.push(`the HTTP header says utf-8 but the bytes are not UTF-8; used the prolog's ${prolog} instead`);
    } else if (!isUtf8Family(header) && prolog === 'utf-8' && hasNonAscii(bytes) && asUtf8() !== null) {
      charset = prolog;
      warnings.push(`the HTTP header says ${header} but the bytes are valid UTF-8 as the prolog says; used utf-8`);
    } else {
      warnings.push(`the HTTP header says ${header} and the XML prolog says ${prolog}; used the header's ${header}`);
    }
  }

  if (charset === 'utf-8') {
    const text = asUtf8();
    if (text !== null) return text;
    const mixed = decodeUtf8WithStrayBytes(bytes);
    warnings.push(mixed.utf8Sequences === 0
      ? 'the feed is declared (or assumed) UTF-8 but its bytes are not valid UTF-8; decoded it as windows-1252'
      : `the feed is UTF-8 except for ${mixed.stray} stray byte(s); kept the UTF-8 and read those bytes as windows-1252`);
    return mixed.text;
  }
  if (charset === 'windows-1252' && hasNonAscii(bytes) && asUtf8() !== null) {
    warnings.push(`the feed is labelled ${header ?? prolog} but its bytes are valid UTF-8; read it as UTF-8`);
    return asUtf8()!;
  }
  return iconv.decode(Buffer.from(bytes), charset);
}

function sniffBom(bytes: Uint8Array): { charset: string; length: number } | null {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { charset: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { charset: 'utf-16be', length: 2 };
  return null;
}

function sniffUtf16WithoutBom(bytes: Uint8Array): string | null {
  const [a, b, c, d] = bytes;
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00) return 'utf-16le';
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f) return 'utf-16be';
  return null;
}

function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match?.[1] ?? null;
}

function charsetFromProlog(bytes: Uint8Array): string | null {
  // The prolog is ASCII in every charset we can read without a BOM, so latin1 is a safe way to look at it.
  const head = Buffer.from(bytes.subarray(0, PROLOG_SCAN_BYTES)).toString('latin1');
  const match = /<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return match?.[1] ?? null;
}

/** Normalises a charset label; unknown labels are reported and ignored. */
function usableCharset(label: string | null, source: string, warnings: string[]): string | null {
  if (!label) return null;
  const name = label.trim().toLowerCase();
  if (['utf8', 'utf-8', 'unicode-1-1-utf-8'].includes(name)) return 'utf-8';
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii', 'cp1252'].includes(name)) return 'windows-1252';
  if (iconv.encodingExists(name)) return name;
  warnings.push(`ignored the unknown charset "${label}" named in ${source}`);
  return null;
}

function isUtf8Family(charset: string): boolean {
  return charset === 'utf-8' || charset.startsWith('utf-16');
}

// fatal: invalid bytes throw instead of turning into U+FFFD; ignoreBOM: a BOM was already handled above.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text, or null when the bytes are not valid UTF-8. */
function decodeUtf8Strictly(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** What each byte means in windows-1252 (undefined positions map to the C1 control of that value, as browsers do). */
export const WINDOWS_1252 = Array.from({ length: 256 }, (_, byte) => iconv.decode(Buffer.from([byte]), 'windows-1252'));

/**
 * UTF-8 where the bytes are valid UTF-8, windows-1252 for each byte that is not part of a valid sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). Valid runs are decoded by TextDecoder in one piece.
 */
export function decodeUtf8WithStrayBytes(bytes: Uint8Array): { text: string; stray: number; utf8Sequences: number } {
  const parts: string[] = [];
  let runStart = 0;
  let stray = 0;
  let utf8Sequences = 0;
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at]! < 0x80) {
      at++;
      continue;
    }
    const length = utf8SequenceLength(bytes, at);
    if (length > 0) {
      utf8Sequences++;
      at += length;
      continue;
    }
    if (at > runStart) parts.push(strictUtf8.decode(bytes.subarray(runStart, at)));
    parts.push(WINDOWS_1252[bytes[at]!]!);
    stray++;
    runStart = ++at;
  }
  if (runStart < bytes.length) parts.push(strictUtf8.decode(bytes.subarray(runStart)));
  return { text: parts.join(''), stray, utf8Sequences };
}

/** The length of the valid UTF-8 sequence starting at a non-ASCII byte, or 0 when there is none. */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  const continuation = (offset: number, low = 0x80, high = 0xbf) => {
    const byte = bytes[at + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

function hasNonAscii(bytes: Uint8Array): boolean {
  return bytes.some((byte) => byte >= 0x80);
}
