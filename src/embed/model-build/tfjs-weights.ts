// Job: read a TF.js graph model's weight manifest (model.json) and its binary shards into named Float32Arrays,
// exactly as the reference recipe's step 1 does (same name stripping, same byte layout checks).
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';

export interface Weight {
  readonly shape: readonly number[];
  /** float32 weights as-is; int32 weights converted to float32 (the recipe's `astype(np.float32)`). */
  readonly data: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

interface ModelJson {
  weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
}

// The recipe keys weights by their name with this scope removed; other names (module/...) are kept whole.
const STRIP = 'module_apply_default/Encoder_en/KonaTransformer/';

export type WeightMap = ReadonlyMap<string, Weight>;

export async function readTfjsWeights(distDir: string): Promise<WeightMap> {
  // Raw little-endian bytes are viewed as typed arrays below and later written back as ONNX raw_data.
  if (endianness() !== 'LE') throw new Error('model build assumes a little-endian host');
  const model = JSON.parse(await readFile(path.join(distDir, 'model.json'), 'utf8')) as ModelJson;
  // The recipe reads only the first manifest group; this package has exactly one.
  const manifest = model.weightsManifest[0];
  if (!manifest) throw new Error('model.json has no weightsManifest');

  const shards = await Promise.all(manifest.paths.map((p) => readFile(path.join(distDir, p))));
  // Copy into one fresh, 4-byte-aligned buffer so every weight can be a typed-array view.
  const total = shards.reduce((n, s) => n + s.length, 0);
  const buf = new Uint8Array(total);
  let at = 0;
  for (const s of shards) { buf.set(s, at); at += s.length; }

  const out = new Map<string, Weight>();
  let off = 0;
  for (const w of manifest.weights) {
    if (w.quantization) throw new Error(`quantized TF.js weight not supported: ${w.name}`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (w.dtype === 'float32') data = new Float32Array(buf.buffer, off, n);
    else if (w.dtype === 'int32') data = Float32Array.from(new Int32Array(buf.buffer, off, n));
    else throw new Error(`unsupported TF.js dtype ${w.dtype} for ${w.name}`);
    out.set(w.name.replaceAll(STRIP, ''), { shape: w.shape, data });
    off += n * 4;
  }
  if (off !== total) throw new Error(`weights manifest covers ${off} bytes but shards hold ${total}`);
  return out;
}
