// `wirefold doctor`: checks what a run needs (Node, the store, the feeds, the model) and says what to do about each
// problem.
import { printableLocation } from '../store/location.ts';
import { openStore, schemaVersion } from '../store/store.ts';
import { countArticles } from '../store/articles.ts';
import { allFeedsFailing, listFeeds } from '../store/feeds.ts';
import { outageLine } from './pipeline.ts';
import { recentRuns } from '../store/runs.ts';
import type { Settings } from './settings.ts';

/** A feed failing this long is worth a look (a blip of an hour or two is normal on the web). */
const longFailureHours = 24;

export async function doctorCommand(settings: Settings): Promise<number> {
  let ok = true;
  const report = (good: boolean, line: string) => {
    ok &&= good;
    console.log(`${good ? 'ok  ' : 'FAIL'}  ${line}`);
  };

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  report(major > 22 || (major === 22 && minor >= 12), `Node ${process.versions.node} (needs >= 22.12; npm scripts use the one in node_modules/.bin)`);

  try {
    const store = await openStore(settings.storePath, { mustExist: true });
    try {
      const feeds = await listFeeds(store);
      report(true, `store ${printableLocation(store.path)}: schema v${await schemaVersion(store)}, ${feeds.length} feeds, ${await countArticles(store)} articles`);
      // Every feed failing is an outage (the network, a proxy) however young: a day's wait would hide it.
      const outage = await allFeedsFailing(store);
      if (outage) report(false, outageLine(outage));
      const cutoff = new Date(Date.now() - longFailureHours * 3600_000).toISOString();
      const failing = feeds.filter((feed) => feed.status === 'active' && feed.failingSince && feed.failingSince <= cutoff);
      report(failing.length === 0, failing.length
        ? `${failing.length} feeds failing for a day or more:\n${failing.map((feed) => `        ${feed.url} (since ${feed.failingSince!.slice(0, 16).replace('T', ' ')}: ${feed.lastError})`).join('\n')}`
        : 'no feed has been failing for a day or more');
      const [last] = await recentRuns(store, 1);
      if (last) {
        const when = `last run: ${last.stage} at ${last.startedAt.slice(0, 16).replace('T', ' ')}`;
        // Unfinished is not failed: it may be running now, and a stopped run is picked up by the next one.
        if (last.ok === null) console.log(`WARN  ${when}, did not finish (running now, or stopped or killed: the next run takes up what it left)`);
        else report(last.ok, `${when}, ${last.ok ? 'ok' : `failed: ${last.errors[0] ?? 'no reason kept'}`}`);
      } else console.log('      no run yet');
    } finally {
      await store.close();
    }
  } catch (error) {
    report(false, `store: ${(error as Error).message}`);
  }

  try {
    const { createEmbedder } = await import('../embed/transformers-embedder.ts');
    const embedder = await createEmbedder({ model: settings.model, dtype: settings.dtype, allowRemote: settings.allowRemoteModels, log: (line) => console.log(`      ${line}`) });
    const [vector] = await embedder.embed(['Wirefold checks its model']);
    report(vector?.length === embedder.dimensions, `model ${embedder.id}: loads, ${embedder.dimensions} dimensions`);
  } catch (error) {
    report(false, `model: ${(error as Error).message}`);
  }
  return ok ? 0 : 1;
}
