// `wirefold eval <file.jsonl>...`: clustering quality on labelled data, for people (one table over all files, and with
// --explain the worst merges and splits with their signals) or machines (--json, one line per file). Vectors are
// remembered between runs (--cache), so scoring a set again after a clustering change costs only the clustering.
import { evaluateClustering, readLabelledArticles } from '../eval/evaluate.ts';
import type { EvaluationResult } from '../eval/evaluate.ts';
import { cachedEmbedder } from '../eval/cached-embedder.ts';
import { formatExplanation } from '../eval/explain.ts';
import { UsageError } from './settings.ts';
import { readInputFile } from './input-file.ts';
import type { Settings } from './settings.ts';

export const defaultEvalCache = 'data/eval-cache';

export async function evalCommand(settings: Settings, args: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  if (!args.length) throw new UsageError('eval needs one or more .jsonl files of labelled articles');
  const level = (values.level as string | undefined) ?? 'story';
  if (level !== 'story' && level !== 'topic') throw new UsageError('--level must be story or topic');
  const runs = Number((values.runs as string | undefined) ?? 1);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a whole number of 1 or more');
  const explain = values.explain === undefined ? 0 : Number(values.explain);
  if (!Number.isInteger(explain) || explain < 0) throw new UsageError('--explain must be a whole number');
  // Every file is read before the model loads, so a wrong path fails at once, in one line.
  const sets = args.map((file) => {
    const articles = readLabelledArticles(readInputFile(file), file);
    if (!articles.length) throw new Error(`${file} holds no labelled articles`);
    return { file, articles };
  });
  const { createEmbedder } = await import('../embed/transformers-embedder.ts');
  const model = await createEmbedder({ model: settings.model, dtype: settings.dtype, allowRemote: settings.allowRemoteModels });
  const cache = values.cache as string | undefined;
  const embedder = cache === 'none' ? model : cachedEmbedder(model, cache ?? defaultEvalCache);
  const results: { file: string; result: EvaluationResult }[] = [];
  for (const { file, articles } of sets) {
    const result = await evaluateClustering(articles, embedder, level, runs, explain);
    results.push({ file, result });
    if (values.json) console.log(JSON.stringify({ file, ...result }));
  }
  if (values.json) return 0;
  console.log(`${level} level, ${runs === 1 ? 'one run' : `${runs} runs`}, ${embedder.id}`);
  console.log(table(results));
  for (const { file, result } of results) {
    if (result.explanation) console.log(`\n${file}\n${formatExplanation(result.explanation)}`);
  }
  return 0;
}

function table(results: readonly { file: string; result: EvaluationResult }[]): string {
  const f = (value: number) => value.toFixed(3);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const topicLevel = results.some(({ result }) => result.topics);
  const head = ['set', 'B3 P', 'B3 R', 'B3 F1', 'ARI', 'NMI', 'homog.', 'compl.', 'clusters (gold)', 'singletons', ...(topicLevel ? ['topics', 'in a topic', 'largest'] : ['related top 3']), 'seconds'];
  const rows = results.map(({ file, result }) => [
    setName(file), f(result.bcubed.precision), f(result.bcubed.recall), f(result.bcubed.f1), f(result.ari), f(result.nmi), f(result.homogeneity), f(result.completeness),
    `${result.clusters} (${result.goldClusters})`, percent(result.singletonShare),
    ...(topicLevel
      ? [String(result.topics?.count ?? ''), result.topics ? percent(result.topics.coveredShare) : '', result.topics ? percent(result.topics.largestShare) : '']
      : [result.related ? `${percent(result.related.sameTopicShare)} (${result.related.stories})` : '']),
    result.seconds.toFixed(1),
  ]);
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [head, ...rows].map((row) => row.map((cell, column) => (column ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

/** "…/uci-dev/articles.jsonl" reads as "uci-dev". */
function setName(file: string): string {
  const parts = file.split('/').filter(Boolean);
  return parts.at(-1) === 'articles.jsonl' && parts.length > 1 ? parts.at(-2)! : parts.at(-1)!;
}
