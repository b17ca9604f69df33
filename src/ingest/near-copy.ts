// Tells near-identical copies of one text apart from different texts: word shingles, a MinHash signature cut into
// bands for indexed look-up (locality-sensitive hashing), and the exact shingle overlap to confirm a candidate.
/*
 * Why this shape. Outlets running the same wire story change the headline, the byline, a dateline or a sentence, so
 * an exact fingerprint misses them; comparing every new article with every stored one is out of the question at
 * 50,000 articles. MinHash gives a text 15 numbers such that two texts agree on any one of them with probability equal
 * to their Jaccard similarity J over 3-word shingles. Cut into 5 bands of 3, two texts share at least one whole band
 * with probability 1 - (1 - J³)⁵: 0.9986 at J = 0.9, 0.97 at 0.8, 0.86 at 0.7, 0.13 at 0.3, 0.005 at 0.1.
 * Each band is one indexed integer key: finding candidates is five index probes, and each candidate is confirmed on
 * the exact shingle overlap of title and summary together, so a chance band match never marks a copy.
 * The keys come from the summary alone when it is long enough: a wire copy keeps the summary (J near 1 there) while
 * its headline is what outlets rewrite, and headlines share stock phrases with unrelated headlines, which made
 * title shingles the main source of useless candidates. Few keys on purpose: each is a random insert into an index
 * larger than SQLite's page cache, and with 10 keys per article those inserts were most of the cost of storing a
 * 50,000-article first run.
 * Well-kept MinHash packages for JavaScript do not exist (the few on npm are unmaintained); this is the textbook
 * method in a few lines, with the 32-bit finaliser of MurmurHash3 for mixing.
 */

/** Jaccard overlap of shingles from which two texts count as copies. */
export const COPY_SIMILARITY = 0.6;
/** Texts shorter than this many shingles (about 7 words in a field) are too short to call copies. */
const MIN_SHINGLES = 5;
/** A summary of at least this many shingles (about 12 words) is what the keys are made from. */
const MIN_SUMMARY_SHINGLES = 10;
const SHINGLE_WORDS = 3;
const BANDS = 5;
const ROWS = 3;
const HASHES = BANDS * ROWS;

export interface CopySketch {
  /** One integer per band (safe integers, never 0); empty when the text is too short to compare. */
  keys: number[];
  shingles: Set<number>;
}

/** Title and summary are shingled apart: a new headline changes its own shingles only, never the summary's. */
export function copySketch(title: string, summary: string): CopySketch {
  const summaryShingles = new Set<number>();
  addShingles(summary, 2, summaryShingles);
  const shingles = new Set(summaryShingles);
  addShingles(title, 1, shingles);
  const keyed = summaryShingles.size >= MIN_SUMMARY_SHINGLES ? summaryShingles : shingles;
  return { keys: keyed.size >= MIN_SHINGLES ? bandKeys(keyed) : [], shingles };
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
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const value of small) if (large.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Lower-cased letter and digit runs, hashed; 3-word shingles (or the words themselves when there are fewer). */
function addShingles(text: string, field: number, into: Set<number>): void {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return;
  const hashes = words.map(hashWord);
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
