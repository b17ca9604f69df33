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
 *  3. If UTF-8 was chosen (without a BOM) but the bytes are not valid UTF-8, decode as windows-1252
 *     and say so, rather than silently turning bytes into U+FFFD.
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
      // The BOM is strong evidence for UTF-8, so keep the valid parts and mark the rest.
      warnings.push('the feed starts with a UTF-8 byte-order mark but has invalid UTF-8 bytes; they were replaced with \uFFFD');
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
    warnings.push('the feed is declared (or assumed) UTF-8 but its bytes are not valid UTF-8; decoded it as windows-1252');
    charset = 'windows-1252';
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

function hasNonAscii(bytes: Uint8Array): boolean {
  return bytes.some((byte) => byte >= 0x80);
}
