// `wirefold doctor`: checks what a run needs (Node, the store, the model) and says what to do about each problem.
import { openStore, schemaVersion } from '../store/store.ts';
import { countArticles } from '../store/articles.ts';
import { listFeeds } from '../store/feeds.ts';
import type { Settings } from './settings.ts';

export async function doctorCommand(settings: Settings): Promise<number> {
  let ok = true;
  const report = (good: boolean, line: string) => {
    ok &&= good;
    console.log(`${good ? 'ok  ' : 'FAIL'}  ${line}`);
  };

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  report(major > 22 || (major === 22 && minor >= 12), `Node ${process.versions.node} (needs >= 22.12; npm scripts use the one in node_modules/.bin)`);

  try {
    const store = openStore(settings.storePath);
    report(true, `store ${store.path}: schema v${schemaVersion(store.db)}, ${listFeeds(store).length} feeds, ${countArticles(store)} articles`);
    store.close();
  } catch (error) {
    report(false, `store ${settings.storePath}: ${(error as Error).message}`);
  }

  try {
    const { createEmbedder } = await import('../embed/transformers-embedder.ts');
    const embedder = await createEmbedder({ model: settings.model, dtype: settings.dtype, log: (line) => console.log(`      ${line}`) });
    const [vector] = await embedder.embed(['Wirefold checks its model']);
    report(vector?.length === embedder.dimensions, `model ${embedder.id}: loads, ${embedder.dimensions} dimensions`);
  } catch (error) {
    report(false, `model: ${(error as Error).message}`);
  }
  return ok ? 0 : 1;
}
