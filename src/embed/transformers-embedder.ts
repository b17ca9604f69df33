// The default Embedder: a Transformers.js feature-extraction pipeline on a local ONNX model, mean-pooled and normalized.
import { availableParallelism } from 'node:os';
import { env, pipeline, Tensor } from '@huggingface/transformers';
import type { FeatureExtractionPipeline, PreTrainedTokenizer } from '@huggingface/transformers';
import type { Embedder } from './embedder.ts';
import { embedderId, locateModel, splitModelFolder } from './model-location.ts';

export interface EmbedderOptions {
  /** A model folder or a Transformers.js model id; default: the built USE-lite model. */
  model?: string;
  dtype?: 'q8' | 'fp32';
  batchSize?: number;
  threads?: number;
  /** Let a hub model id be downloaded (the settings' allowRemoteModels); off by default. */
  allowRemote?: boolean;
  log?: (line: string) => void;
}

/** Texts per model call. Measured in bench/embed (node bench/embed/sweep.ts). */
export const defaultBatchSize = 32;
/**
 * ONNX Runtime intra-op threads: the cores Node reports, at most 4. Left unset, onnxruntime-node ran on one thread on
 * a 2-core machine, and 2 threads embedded about 35% faster there; the cap of 4 is a guess, not a measurement.
 */
export const defaultThreads = Math.min(4, availableParallelism());

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const log = options.log ?? (() => {});
  const dtype = options.dtype ?? 'q8';
  const batchSize = options.batchSize ?? defaultBatchSize;
  const threads = options.threads ?? defaultThreads;
  const location = await locateModel(options.model, log, options.allowRemote);

  let extractor: FeatureExtractionPipeline;
  let name: string;
  try {
    if (location.folder) {
      const { localModelPath, modelId } = splitModelFolder(location.folder);
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = localModelPath;
      name = modelId;
      extractor = await pipeline('feature-extraction', modelId, {
        dtype,
        session_options: threads ? { intraOpNumThreads: threads } : undefined,
      } as Parameters<typeof pipeline>[2]) as FeatureExtractionPipeline;
    } else if (location.hubId) {
      env.allowRemoteModels = true;
      name = location.hubId;
      extractor = await pipeline('feature-extraction', location.hubId, { dtype }) as FeatureExtractionPipeline;
    } else {
      throw new Error('no model found');
    }
  } catch (error) {
    const tried = location.tried.length ? location.tried.join('; ') : String(location.folder ?? location.hubId);
    throw new Error(`could not load an embedding model (${(error as Error).message}); tried: ${tried}`);
  }

  // What `extractor(batch, { pooling: 'mean', normalize: true })` computes, done in two steps of our own: texts are
  // tokenized once and batched by token count (encodeBatches), and pooling is row by row (meanPoolNormalize), since
  // Transformers.js' mean_pooling converts a BigInt mask entry per element and its normalize is generic n-d code.
  const pool = (inputs: Record<string, Tensor>, outputs: Record<string, Tensor | undefined>): Float32Array[] => {
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    if (!hidden) throw new Error(`the model returned no token embeddings (outputs: ${Object.keys(outputs).join(', ')})`);
    return meanPoolNormalize(hidden.data as Float32Array, hidden.dims, inputs.attention_mask!.data as BigInt64Array);
  };

  // One batch is always queued behind the one ONNX Runtime is computing, so its threads never wait while JavaScript
  // builds tensors and pools the previous batch's output.
  const embed = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const vectors = new Array<Float32Array>(texts.length);
    const finish = async ({ indices, inputs, outputs }: EncodedBatch & { outputs: Promise<unknown> }) => {
      const batchVectors = pool(inputs, (await outputs) as Record<string, Tensor | undefined>);
      indices.forEach((index, row) => (vectors[index] = batchVectors[row]!));
    };
    let previous: (EncodedBatch & { outputs: Promise<unknown> }) | null = null;
    for (const batch of encodeBatches(extractor.tokenizer, texts, batchSize)) {
      const current = { ...batch, outputs: extractor.model(batch.inputs) as Promise<unknown> };
      current.outputs.catch(() => {}); // a failure is rethrown when finish() awaits it, not reported as unhandled
      if (previous) await finish(previous);
      previous = current;
    }
    if (previous) await finish(previous);
    return vectors;
  };

  const dimensions = (await embed(['probe']))[0]?.length ?? 0;
  return { id: embedderId(name, dtype), dimensions, embed };
}

export interface EncodedBatch {
  /** Positions in the input of this batch's rows. */
  indices: number[];
  /** input_ids, attention_mask (and whatever else the tokenizer returns), int64 [rows, tokens]. */
  inputs: Record<string, Tensor>;
}

/**
 * Tokenizes texts once (blank ones as "-"), truncated to the model's maximum, and yields batches of texts with similar
 * token counts, each padded to its longest the way the tokenizer pads (`padding: true`). Padding is masked and does
 * not change a vector, but the model still computes it: headlines in arrival order were 40% padding.
 */
export function* encodeBatches(tokenizer: PreTrainedTokenizer, texts: readonly string[], batchSize: number): Generator<EncodedBatch> {
  if (texts.length === 0) return;
  const encoded = tokenizer(texts.map((text) => text.trim() || '-'), { truncation: true, return_tensor: false }) as unknown as Record<string, number[][]>;
  const ids = encoded.input_ids!;
  const order = ids.map((_, index) => index).sort((a, b) => ids[a]!.length - ids[b]!.length || a - b);
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    const length = ids[indices.at(-1)!]!.length;
    const inputs: Record<string, Tensor> = {};
    for (const [key, rows] of Object.entries(encoded)) {
      const data = new BigInt64Array(indices.length * length).fill(BigInt(key === 'input_ids' ? tokenizer.pad_token_id : 0));
      indices.forEach((index, row) => {
        const values = rows[index]!;
        const offset = row * length + (tokenizer.padding_side === 'left' ? length - values.length : 0);
        for (let position = 0; position < values.length; position++) data[offset + position] = BigInt(values[position]!);
      });
      inputs[key] = new Tensor('int64', data, [indices.length, length]);
    }
    yield { indices, inputs };
  }
}

/**
 * Mean of each row's unmasked token vectors, then L2-normalized: hidden is [batch, tokens, dims] row-major, mask is
 * [batch, tokens]. A [batch, dims] output (already pooled) is only normalized.
 */
export function meanPoolNormalize(hidden: Float32Array, shape: readonly number[], mask: BigInt64Array): Float32Array[] {
  const rows = shape[0] ?? 0;
  const tokens = shape.length === 3 ? shape[1]! : 1;
  const dims = shape.at(-1) ?? 0;
  const sum = new Float64Array(dims);
  const vectors: Float32Array[] = [];
  for (let row = 0; row < rows; row++) {
    sum.fill(0);
    let count = 0;
    for (let token = 0; token < tokens; token++) {
      if (shape.length === 3 && mask[row * tokens + token] === 0n) continue;
      count++;
      const offset = (row * tokens + token) * dims;
      for (let d = 0; d < dims; d++) sum[d]! += hidden[offset + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      sum[d]! /= count || 1;
      norm += sum[d]! * sum[d]!;
    }
    norm = Math.sqrt(norm) || 1;
    const vector = new Float32Array(dims);
    for (let d = 0; d < dims; d++) vector[d] = sum[d]! / norm;
    vectors.push(vector);
  }
  return vectors;
}
