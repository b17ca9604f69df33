// The four stages as commands: each opens the store, records a run, prints a one-line summary, and returns its result;
// and `rebuild`, the four in order.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/store.ts';
import { withStoreWorker, withStoreWriter } from '../store/writer-lock.ts';
import { printableLocation } from '../store/location.ts';
import { allFeedsFailing } from '../store/feeds.ts';
import type { Outage } from '../store/feeds.ts';
import { finishRun, startRun } from '../store/runs.ts';
import type { Counts, Stage } from '../store/runs.ts';
import type { IngestSummary } from '../ingest/ingest.ts';
import { configuredEmbedderId } from '../embed/model-location.ts';
import { projectRoot } from '../paths.ts';
import { progress, seconds } from './progress.ts';
import type { Settings } from './settings.ts';
import { beforeStopExit, interruptible } from './stop-signals.ts';
import { exitCodes } from './exit-codes.ts';
import type { EmbedderOptions } from '../embed/transformers-embedder.ts';

/** The seed topics (name, keywords, optional slug and description): see topics.ts readTopicSeeds. */
const topicSeedsFile = resolve(projectRoot, 'content/topics.json');

/** The whole pipeline, in order. Each stage reads the store and writes the store. Returns the exit code. */
export async function rebuild(store: Store, settings: Settings): Promise<number> {
  // The seed topics are read now as well, so that a mistake in the file stops the run before the feeds are fetched.
  (await import('../cluster/topics/topics.ts')).readTopicSeeds(topicSeedsFile);
  const problem = await ingestStage(store, settings);
  if (problem) {
    const site = existsSync(settings.outDir) ? 'the site was left as it was' : 'no site was built';
    console.error(`rebuild: stopped after ingest: ${problem} (${site})`);
    return exitCodes.failure;
  }
  await embedStage(store, settings);
  await clusterStage(store, settings);
  await buildStage(store, settings);
  return exitCodes.ok;
}

/**
 * Runs work on the store as its one writer: the store must exist (a typo never starts an empty one) and no other run
 * may hold it (LockHeldError otherwise).
 */
export async function onStore(command: string, settings: Settings, work: (store: Store) => Promise<number>): Promise<number> {
  return withStoreWriter(settings.storePath, command, work);
}

/**
 * Runs `ingest` on the store: on SQLite as its one writer (the lock file, as onStore); on PostgreSQL as one of any
 * number of ingest workers, which share the due feeds through leases (leaseDueFeeds) instead of the writer lock.
 */
export async function onStoreAsIngestWorker(settings: Settings, work: (store: Store) => Promise<number>): Promise<number> {
  return withStoreWorker(settings.storePath, 'ingest', work);
}

/** The `ingest` command: exit 1 when the run failed as a whole (no feeds, or every due feed failed). */
export async function ingestCommand(store: Store, settings: Settings): Promise<number> {
  const problem = await ingestStage(store, settings);
  if (problem) console.error(`ingest: ${problem}`);
  return problem ? exitCodes.failure : exitCodes.ok;
}

/** What the settings say about the embedding model. */
const embedderOptions = (settings: Settings): EmbedderOptions =>
  ({ model: settings.model, dtype: settings.dtype, allowRemote: settings.allowRemoteModels, log: (line) => console.error(line) });

/**
 * Fetches the due feeds and stores what is new. Returns why the run counts as failed, or null: a store without feeds,
 * or a run in which every due feed failed. Some feeds failing is normal and not a
 * failure; they are listed.
 */
export async function ingestStage(store: Store, settings: Settings): Promise<string | null> {
  return recorded(store, 'ingest', async () => {
    // Each stage loads its own code when it runs: a command that runs one stage never pays for the others.
    const { ingestFeeds } = await import('../ingest/ingest.ts');
    const bar = progress('ingest');
    const summary = await ingestFeeds(store, { force: settings.force, allowPrivateAddresses: settings.allowPrivateAddresses, leaseSeconds: settings.leaseSeconds, onFeedDone: bar.update, beforeStopExit });
    bar.finish();
    for (const failure of summary.failures) console.log(`  feed failed: ${failure.url}: ${failure.error}`);
    for (const warning of summary.warnings) console.log(`  feed warning: ${warning.url}: ${warning.warning}`);
    const line = `ingest: ${summary.feeds} feeds, ${summary.fetched} fetched, ${summary.notModified} not modified, ` +
      // On PostgreSQL the feeds this worker did not take include those another worker holds (leases).
      `${summary.skipped} ${store.kind === 'postgres' ? 'not due or taken by another worker' : 'not due'}, ${summary.failures.length} failed; ${summary.added} new articles, ${summary.updated} updated` +
      (summary.heldBack > 0 ? `; ${summary.heldBack} held back (their host asked us to wait)` : '') +
      (summary.removed > 0 ? `; ${summary.removed} removed from the list meanwhile` : '');
    const { failures, warnings: _warnings, ...counts } = summary;
    // A run in which no feed was due tells nothing by itself: the feeds may all be waiting out the backoff of an outage.
    const stillFailing = summary.fetched + summary.notModified + summary.failures.length === 0 ? await allFeedsFailing(store) : null;
    const problem = ingestProblem(summary, printableLocation(store.path), stillFailing);
    return { result: problem, line, counts: { ...counts, failed: failures.length }, errors: [...(problem ? [problem] : []), ...failures.map((f) => `${f.url}: ${f.error}`)], ok: !problem };
  });
}

/**
 * Why the ingest run counts as failed, or null: no feeds; every due feed failed; or none was due while every feed is
 * still failing since `stillFailing` (an outage waited out in backoff must not read as a good run, nor build an empty
 * site, from the second run on).
 */
function ingestProblem(summary: IngestSummary, storePath: string, stillFailing: Outage | null): string | null {
  if (summary.feeds === 0) return `no feeds in ${storePath}: add some with "wirefold feeds import content/feeds.opml"`;
  if (stillFailing) return `${outageLine(stillFailing)} (none due yet: each waits before its next try)`;
  // A feed removed while this run fetched it is no longer due: with it counted, a run whose every other feed failed read as good.
  const due = summary.feeds - summary.skipped - summary.heldBack - summary.removed;
  if (due > 0 && summary.failures.length === due) {
    return summary.failures.every((failure) => failure.refused)
      ? `all ${due} feeds were refused: their addresses are loopback or private; pass --allow-private-addresses to fetch them`
      : `all ${due} feeds failed; the last error: ${summary.failures.at(-1)!.error}`;
  }
  return null;
}

export async function embedStage(store: Store, settings: Settings): Promise<void> {
  await recorded(store, 'embed', async () => {
    const modelId = await configuredEmbedderId(embedderOptions(settings));
    const { embedArticles, needsEmbedding } = await import('../embed/embed-stage.ts');
    if (!await needsEmbedding(store, modelId)) {
      return { result: undefined, line: `embed: nothing to embed for ${modelId}`, counts: { embedded: 0 } };
    }
    // Loaded on demand: the ONNX runtime is heavy, and a run with nothing to embed never needs it.
    const { createEmbedder } = await import('../embed/transformers-embedder.ts');
    const embedder = await createEmbedder(embedderOptions(settings));
    const bar = progress('embed');
    const summary = await embedArticles(store, embedder, bar.update);
    bar.finish();
    return { result: undefined, line: `embed: ${summary.embedded} texts embedded with ${summary.model}`, counts: { embedded: summary.embedded } };
  });
}

export async function clusterStage(store: Store, settings: Settings): Promise<void> {
  await recorded(store, 'cluster', async () => {
    const modelId = await configuredEmbedderId(embedderOptions(settings));
    const [{ clusterArticles }, { readTopicSeeds }] = await Promise.all([import('../cluster/cluster-stage.ts'), import('../cluster/topics/topics.ts')]);
    const topicSeeds = readTopicSeeds(topicSeedsFile);
    const summary = await interruptible(() => clusterArticles(store, { modelId, topicSeeds }));
    const line = `cluster: ${summary.clustered} articles placed, ${summary.newStories} new stories, ` +
      `${summary.changedStories} changed, ${summary.stories} stories in all` + (summary.waiting ? `, ${summary.waiting} waiting for embeddings` : '');
    // Where the time went is kept with the run's counts (load, stories, refresh, topics, related).
    const { seconds, ...counts } = summary;
    return { result: undefined, line, counts: { ...counts, ...phaseCounts(seconds) } };
  });
}

export async function buildStage(store: Store, settings: Settings): Promise<void> {
  await recorded(store, 'build', async () => {
    const { buildSite } = await import('../site/build-site.ts');
    const summary = await buildSite({ storePath: store.path, outDir: settings.outDir, siteUrl: settings.siteUrl, base: settings.base, demo: settings.demo,
      images: settings.images, allowPrivateAddresses: settings.allowPrivateAddresses, beforeStopExit });
    const line = summary.kind === 'up to date' ? `build: site is up to date (${summary.pages} pages in ${summary.outDir}; nothing shown on it changed)`
      : summary.kind === 'incremental' ? `build: ${summary.pages} pages in ${summary.outDir}; ${summary.rendered} changed files of stories, days and topics rendered, ${summary.kept} kept; ` +
        `search: ${summary.searchShardsIndexed} of ${summary.searchShards} shards indexed`
      : `build: ${summary.pages} pages in ${summary.outDir}`;
    // On stderr, as the other notes a run must not hide are: a cron line sending stdout away still shows it.
    for (const warning of summary.warnings) console.error(`build: warning: ${warning}`);
    // Where the time went is kept with the run's counts, as the cluster stage's is (inputsSeconds, renderSeconds, …).
    return { result: undefined, line, counts: { pages: summary.pages, rendered: summary.rendered, kept: summary.kept, searchShardsIndexed: summary.searchShardsIndexed,
      upToDate: summary.kind === 'up to date' ? 1 : 0, ...phaseCounts(summary.seconds) } };
  });
}

/** A stage's seconds by phase as run counts: { load: 1.234 } becomes { loadSeconds: 1.23 }. */
function phaseCounts(seconds: Readonly<Record<string, number>>): Counts {
  return Object.fromEntries(Object.entries(seconds).map(([phase, value]) => [`${phase}Seconds`, Math.round(value * 100) / 100]));
}

/** Runs one stage with its runs-table record and its closing summary line (with the time it took). */
async function recorded<T>(store: Store, stage: Stage,
  work: () => Promise<{ result: T; line: string; counts: Counts; errors?: string[]; ok?: boolean }>): Promise<T> {
  const started = performance.now();
  const runId = await startRun(store, stage);
  try {
    const { result, line, counts, errors, ok = true } = await work();
    await finishRun(store, runId, ok, counts, errors);
    console.log(`${line} (${seconds(started)})`);
    return result;
  } catch (error) {
    await finishRun(store, runId, false, {}, [(error as Error).message]);
    throw error;
  }
}

/** "all N feeds are failing since <when>; the last error: <error>", for rebuild's and doctor's line of an outage. */
export function outageLine(outage: Outage): string {
  return `all ${outage.feeds} feeds are failing since ${outage.since.slice(0, 16).replace('T', ' ')}` + (outage.lastError ? `; the last error: ${outage.lastError}` : '');
}
