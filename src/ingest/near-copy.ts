// Tells near-identical copies of one text apart from different texts: word shingles, a MinHash signature cut into
// bands for indexed look-up (locality-sensitive hashing), and the exact shingle overlap to confirm a candidate.
/*
 * Why this shape. Outlets running the same wire story change the headline, the byline, a dateline or a sentence, so
 * an exact fingerprint misses them; comparing every new article with every stored one is out of the question at
 * 50,000 articles. MinHash gives a text 15 numbers such that two texts agree on any one of them with probability equal
 * to their Jaccard similarity J over 3-word shingles. Cut into 5 bands of 3, two texts share at least one whole band
 * with probability 1 - (1 - J³)⁵: 0.9986 at J = 0.9, 0.97 at 0.8, 0.86 at 0.7, 0.13 at 0.3, 0.005 at 0.1.
 * Each band is one indexed integer key, and so is the summary's first 12 words (the lead key: it finds a copy cut
 * shorter, whose J is low but whose start is the same). Finding candidates is one indexed query; each candidate is
 * confirmed on exact shingle overlap (isNearCopy), so a chance key match never marks a copy.
 * The keys come from the summary alone when it is long enough: a wire copy keeps the summary (J near 1 there) while
 * its headline is what outlets rewrite, and headlines share stock phrases with unrelated headlines, which made
 * title shingles the main source of useless candidates. Few keys on purpose: each is a random insert into an index
 * larger than SQLite's page cache, and with 10 keys per article those inserts were most of the cost of storing a
 * 50,000-article first run.
 * Well-kept MinHash packages for JavaScript do not exist (the few on npm are unmaintained); this is the textbook
 * method in a few lines, with the 32-bit finaliser of MurmurHash3 for mixing.
 */

/** Jaccard overlap of shingles from which two texts count as copies. */
import type { CopyJudge } from '../model/article.ts';

export const COPY_SIMILARITY = 0.6;
/** Texts shorter than this many shingles (about 7 words in a field) are too short to call copies. */
const MIN_SHINGLES = 5;
/** A summary of at least this many shingles (about 12 words) is what the keys are made from. */
const MIN_SUMMARY_SHINGLES = 10;
const SHINGLE_WORDS = 3;
const BANDS = 5;
const ROWS = 3;
const HASHES = BANDS * ROWS;

/** A shorter summary that lies this much inside a longer one is the same text cut shorter (one outlet's description
 * is the first paragraph, another's the first two). */
const CONTAINED = 0.9;
/** Containment decides only from this many summary shingles (about 14 words) up: short texts fit inside anything. */
const MIN_CONTAINED_SHINGLES = 12;
/** The lead key: the summary's first words, so a copy cut shorter is found even when its overlap J is low. */
const LEAD_WORDS = 12;

export interface CopySketch {
  /** One integer per band, plus the lead key (safe integers, never 0); empty when the text is too short to compare. */
  keys: number[];
  shingles: Set<number>;
  summaryShingles: Set<number>;
}

/** Title and summary are shingled apart: a new headline changes its own shingles only, never the summary's. */
export function copySketch(title: string, summary: string): CopySketch {
  const summaryWords = words(summary);
  const summaryShingles = new Set<number>();
  addShingles(summaryWords, 2, summaryShingles);
  const shingles = new Set(summaryShingles);
  addShingles(words(title), 1, shingles);
  const keyed = summaryShingles.size >= MIN_SUMMARY_SHINGLES ? summaryShingles : shingles;
  if (keyed.size < MIN_SHINGLES) return { keys: [], shingles, summaryShingles };
  const keys = bandKeys(keyed);
  if (summaryWords.length >= LEAD_WORDS) keys.push(leadKey(summaryWords.slice(0, LEAD_WORDS)));
  return { keys, shingles, summaryShingles };
}

/**
 * Copies: title and summary overlap by COPY_SIMILARITY (a rewritten headline, a dateline, an edited word), or one
 * summary is the other's text cut shorter.
 */
export function isNearCopy(a: CopySketch, b: CopySketch): boolean {
  if (jaccard(a.shingles, b.shingles) >= COPY_SIMILARITY) return true;
  const [small, large] = a.summaryShingles.size <= b.summaryShingles.size ? [a.summaryShingles, b.summaryShingles] : [b.summaryShingles, a.summaryShingles];
  return small.size >= MIN_CONTAINED_SHINGLES && shared(small, large) / small.size >= CONTAINED;
}

function leadKey(lead: readonly number[]): number {
  let low = mix(0x1ead);
  let high = mix(0x1ead5eed);
  for (const word of lead) {
    low = mix(low ^ word);
    high = mix(high ^ mix(word ^ 0x2545f491));
  }
  return (high >>> 11) * 0x100000000 + low || 1;
}

function bandKeys(shingles: ReadonlySet<number>): number[] {
  const minimums = new Uint32Array(HASHES).fill(0xffffffff);
  for (const shingle of shingles) {
    // Shingle hashes are already well mixed, so an odd multiplier plus an offset per hash function is enough to
    // give each function its own order of them (and costs a tenth of mixing again).
    for (let hash = 0; hash < HASHES; hash++) {
      const value = (Math.imul(shingle, MULTIPLIERS[hash]!) + OFFSETS[hash]!) >>> 0;
      if (value < minimums[hash]!) minimums[hash] = value;
    }
  }
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    let low = mix(band + 1);
    let high = mix(band + 0x51ed27);
    for (let row = 0; row < ROWS; row++) {
      const value = minimums[band * ROWS + row]!;
      low = mix(low ^ value);
      high = mix(high ^ mix(value ^ 0x2545f491));
    }
    // 21 + 32 bits: a safe integer for SQLite and JavaScript alike; 0 is kept free as "no keys".
    keys.push((high >>> 11) * 0x100000000 + low || 1);
  }
  return keys;
}

/** |A ∩ B| / |A ∪ B|. */
export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const common = shared(a, b);
  return common / (a.size + b.size - common);
}

function shared(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let count = 0;
  for (const value of small) if (large.has(value)) count++;
  return count;
}

/** Lower-cased letter and digit runs, hashed. */
function words(text: string): number[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.map(hashWord) ?? [];
}

/** 3-word shingles (or the words themselves when there are fewer), tagged with their field. */
function addShingles(hashes: readonly number[], field: number, into: Set<number>): void {
  if (hashes.length < SHINGLE_WORDS) {
    for (const hash of hashes) into.add(mix(hash ^ field));
    return;
  }
  for (let start = 0; start + SHINGLE_WORDS <= hashes.length; start++) {
    into.add(mix(hashes[start]! ^ rotate(hashes[start + 1]!, 11) ^ rotate(hashes[start + 2]!, 22) ^ field));
  }
}

/** FNV-1a over UTF-16 code units. */
function hashWord(word: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** MurmurHash3's 32-bit finaliser: every input bit reaches every output bit. */
function mix(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function rotate(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

// Fixed constants, so signatures (and the keys stored from them) never change between runs or machines.
const MULTIPLIERS = Uint32Array.from({ length: HASHES }, (_, index) => mix(0x9e3779b9 + index * 0x632be5ab) | 1);
const OFFSETS = Uint32Array.from({ length: HASHES }, (_, index) => mix(0x7f4a7c15 + index * 0x2545f491));

/** The near-copy rule as the store asks for it while saving articles (see CopyJudge). */
export const nearCopyJudge: CopyJudge<CopySketch> = {
  sketch: copySketch,
  keys: (sketch) => sketch.keys,
  isCopy: isNearCopy,
};
