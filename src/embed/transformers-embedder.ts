// The default Embedder: a Transformers.js feature-extraction pipeline on a local ONNX model, mean-pooled and normalized.
import { env, pipeline } from '@huggingface/transformers';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Embedder } from './embedder.ts';
import { locateModel, splitModelFolder } from './model-location.ts';

export interface EmbedderOptions {
  /** A model folder or a Transformers.js model id; default: the built USE-lite model. */
  model?: string;
  dtype?: 'q8' | 'fp32';
  batchSize?: number;
  threads?: number;
  log?: (line: string) => void;
}

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const log = options.log ?? (() => {});
  const dtype = options.dtype ?? 'q8';
  const batchSize = options.batchSize ?? 32;
  const location = await locateModel(options.model ?? process.env.WIREFOLD_MODEL_DIR, log);

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
        session_options: options.threads ? { intraOpNumThreads: options.threads } : undefined,
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

  const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
  const dimensions = probe.dims.at(-1) ?? 0;

  return {
    id: embedderId(name, dtype),
    dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize).map((text) => text.trim() || '-');
        const output = await extractor(batch, { pooling: 'mean', normalize: true });
        const data = output.data as Float32Array;
        for (let row = 0; row < batch.length; row++) {
          vectors.push(data.slice(row * dimensions, (row + 1) * dimensions));
        }
      }
      return vectors;
    },
  };
}

/** The cache key of a model: its name and dtype. Derivable without loading the model, so clustering can name it. */
export function embedderId(modelName: string, dtype: string): string {
  return `${modelName}:${dtype}`;
}

export async function configuredEmbedderId(options: EmbedderOptions = {}): Promise<string> {
  const location = await locateModel(options.model ?? process.env.WIREFOLD_MODEL_DIR, options.log ?? (() => {}));
  const name = location.folder ? splitModelFolder(location.folder).modelId : location.hubId ?? 'unknown-model';
  return embedderId(name, options.dtype ?? 'q8');
}
