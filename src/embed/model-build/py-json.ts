// Job: reproduce Python's json.dumps output byte for byte (the recipe writes its JSON files with Python's json
// module), including Python's float repr, its default separators and its ensure_ascii escaping.
// JS numbers cannot say whether Python held an int or a float, so floats are wrapped in PyFloat.

export class PyFloat {
  readonly value: number;
  constructor(value: number) { this.value = value; }
}

export type PyJson = null | boolean | string | number | PyFloat | PyJson[] | { [key: string]: PyJson };

/** Python's repr(float): shortest round-trip digits (as JS), fixed notation for 1e-4 <= |x| < 1e16, else
 *  scientific with a signed, at-least-two-digit exponent ('1e-05', '1.5e+16'); integral values keep '.0'. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'; // json.dumps spelling (allow_nan=True)
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest digits that round-trip, like Python's repr.
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential());
  if (!m) throw new Error(`unexpected toExponential output for ${x}`);
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const decpt = Number(m[3]) + 1; // x = 0.DIGITS * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
const u4 = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

function pyString(s: string, ensureAscii: boolean): string {
  // ensure_ascii=False escapes only '"', '\\' and C0 controls; True also escapes everything outside ' '..'~'
  // (matched per UTF-16 code unit — no u flag — so astral characters become surrogate pairs, as in Python).
  const re = ensureAscii ? /[\\"]|[^\x20-\x7e]/g : /[\\"\x00-\x1f]/g;
  return `"${s.replace(re, (ch) => SHORT_ESCAPES[ch] ?? u4(ch.charCodeAt(0)))}"`;
}

export interface DumpOptions {
  /** json.dumps(indent=...); undefined = one line with ', ' and ': ' separators. */
  indent?: number;
  /** json.dumps(ensure_ascii=...); Python's default is true. */
  ensureAscii?: boolean;
}

export function pyJsonDumps(value: PyJson, { indent, ensureAscii = true }: DumpOptions = {}): string {
  // Python's defaults: item separator ', ' without indent, ',' with indent (the newline carries the spacing).
  const itemSep = indent === undefined ? ', ' : ',';
  const enc = (v: PyJson, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return pyString(v, ensureAscii);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error(`pyJsonDumps: ${v} is not an int; wrap floats in PyFloat`);
      return String(v);
    }
    if (v instanceof PyFloat) return pyFloatRepr(v.value);
    const items: string[] = Array.isArray(v)
      ? v.map((x) => enc(x, level + 1))
      : Object.entries(v).map(([k, x]) => `${pyString(k, ensureAscii)}: ${enc(x, level + 1)}`);
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (!items.length) return open + close;
    if (indent === undefined) return open + items.join(itemSep) + close;
    const inner = '\n' + ' '.repeat(indent * (level + 1));
    return open + inner + items.join(itemSep + inner) + '\n' + ' '.repeat(indent * level) + close;
  };
  return enc(value, 0);
}
