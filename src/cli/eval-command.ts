// `wirefold eval <file.jsonl>`: clustering quality on labelled data, for people (a table) or machines (--json).
import { evaluateClustering, readLabelledArticles } from '../cluster/evaluate.ts';
import { UsageError } from './settings.ts';
import { readInputFile } from './input-file.ts';
import type { Settings } from './settings.ts';

export async function evalCommand(settings: Settings, args: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [file] = args;
  if (!file) throw new UsageError('eval needs a .jsonl file of labelled articles');
  const level = (values.level as string | undefined) ?? 'story';
  if (level !== 'story' && level !== 'topic') throw new UsageError('--level must be story or topic');
  const runs = Number((values.runs as string | undefined) ?? 1);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a whole number of 1 or more');
  const articles = readLabelledArticles(readInputFile(file), file);
  if (!articles.length) throw new Error(`${file} holds no labelled articles`);
  const { createEmbedder } = await import('../embed/transformers-embedder.ts');
  const embedder = await createEmbedder({ model: settings.model, dtype: settings.dtype, allowRemote: settings.allowRemoteModels });
  const result = await evaluateClustering(articles, embedder, level, runs);
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  const f = (value: number) => value.toFixed(3);
  console.log(`${file} (${level} level, ${runs === 1 ? 'one run' : `${runs} runs`}, ${embedder.id})
  B-cubed  precision ${f(result.bcubed.precision)}  recall ${f(result.bcubed.recall)}  F1 ${f(result.bcubed.f1)}
  ARI ${f(result.ari)}  NMI ${f(result.nmi)}  V-measure ${f(result.vMeasure)}  homogeneity ${f(result.homogeneity)}  completeness ${f(result.completeness)}
  clusters ${result.clusters} (gold ${result.goldClusters}), singletons ${(result.singletonShare * 100).toFixed(1)}%, ${result.seconds.toFixed(1)} s`);
  if (result.topics) {
    const { count, coveredShare, largestShare, sizes } = result.topics;
    const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
    console.log(`  topics ${count}, articles in a topic ${percent(coveredShare)}, largest topic ${percent(largestShare)} of the articles
  topic sizes in articles: min ${sizes.min}, p25 ${sizes.p25}, median ${sizes.median}, p75 ${sizes.p75}, max ${sizes.max}`);
  }
  if (result.related) {
    console.log(`  related stories: ${(result.related.sameTopicShare * 100).toFixed(1)}% of the top 3 share the story's label_topic (${result.related.stories} stories with related)`);
  }
  return 0;
}
