// Finds the embedding model: the configured folder or id, else the one Wirefold builds itself from the npm registry.
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { projectRoot } from '../paths.ts';

export const defaultModelDir = 'models/local/universal-sentence-encoder-lite';

export interface ModelLocation {
  /** A folder holding config.json and onnx/, or a hub id when remote models are allowed. */
  folder: string | null;
  hubId: string | null;
  tried: string[];
}

/**
 * Resolution order: a configured folder → the built models/ folder (built now if missing) → the hub when allowed.
 * `configured` may be a folder or a Transformers.js model id.
 */
export async function locateModel(configured: string | undefined, log: (line: string) => void, allowRemote = false): Promise<ModelLocation> {
  const tried: string[] = [];
  if (configured) {
    const folder = resolve(configured);
    if (existsSync(resolve(folder, 'config.json'))) return { folder, hubId: null, tried };
    tried.push(`${folder} (no config.json there)`);
    if (/^[\w.-]+\/[\w.-]+$/.test(configured) && allowRemote) {
      return { folder: null, hubId: configured, tried };
    }
    if (/^[\w.-]+\/[\w.-]+$/.test(configured)) tried.push(`hub id ${configured} (remote models not allowed: set WIREFOLD_ALLOW_REMOTE_MODELS=1)`);
    return { folder: null, hubId: null, tried };
  }
  const built = resolve(projectRoot, defaultModelDir);
  if (!existsSync(resolve(built, 'onnx/model_quantized.onnx'))) {
    log(`building the default model into ${defaultModelDir} (once; about a second)`);
    try {
      // Loaded only here: the builder needs protobufjs, which no other run does.
      const { buildDefaultModel } = await import('./model-build/index.ts');
      await buildDefaultModel(built);
    } catch (error) {
      tried.push(`${built} (build failed: ${(error as Error).message})`);
      return { folder: null, hubId: null, tried };
    }
  }
  return { folder: built, hubId: null, tried };
}

/** Transformers.js loads a local model as `<localModelPath>/<id>`; split a folder into those two. */
export function splitModelFolder(folder: string): { localModelPath: string; modelId: string } {
  return { localModelPath: dirname(folder), modelId: basename(folder) };
}

/** The cache key of a model: its name and dtype. Derivable without loading the model, so clustering can name it. */
export function embedderId(modelName: string, dtype: string): string {
  return `${modelName}:${dtype}`;
}

/**
 * The cache key of the configured model without loading it (nor the ONNX runtime): the folder's name and the dtype.
 * `model` is a folder or a hub id, as in locateModel.
 */
export async function configuredEmbedderId(options: { model?: string; dtype?: string; allowRemote?: boolean; log?: (line: string) => void }): Promise<string> {
  const location = await locateModel(options.model, options.log ?? (() => {}), options.allowRemote);
  const name = location.folder ? splitModelFolder(location.folder).modelId : location.hubId ?? 'unknown-model';
  return embedderId(name, options.dtype ?? 'q8');
}
