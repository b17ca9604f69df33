// Fits the story join model (src/eval/join-model.ts) on the visible labelled sets and shows whether it holds across
// them: each set is scored with the weights fitted on the other, then all sets together give the weights to ship.
// Pairs come from replaying each set in time order against its gold stories as they stand when each article arrives
// (the decision the clusterer faces): the article's own story is a positive, the ten closest other active stories
// sharing a word with it are the negatives.
//   node_modules/.bin/node scripts/fit-evidence.ts ../shared/eval/uci-dev/articles.jsonl ../shared/eval/ecbplus/articles.jsonl
import { readFileSync } from 'node:fs';
import { readLabelledArticles } from '../src/eval/evaluate.ts';
import type { LabelledArticle } from '../src/eval/evaluate.ts';
import { createEmbedder } from '../src/embed/transformers-embedder.ts';
import { embeddingText } from '../src/embed/embedder.ts';
import { referenceArticles } from '../src/embed/reference-articles.ts';
import { cachedEmbedder } from '../src/eval/cached-embedder.ts';
import { defaultEvalCache } from '../src/cli/eval-command.ts';
import { backgroundSimilarity, aboveBackground } from '../src/cluster/text/calibrate.ts';
import { addSparse, feedTermCounts, inverseDocumentFrequencies, sparseDot, tfidf } from '../src/cluster/text/lexical.ts';
import type { TermVector } from '../src/cluster/text/lexical.ts';
import { addInto, dot } from '../src/cluster/text/vectors.ts';
import { featureNames, featureVector, fitJoinModel, joinLogit, lullOf } from '../src/eval/join-model.ts';
import type { JoinModel } from '../src/eval/join-model.ts';
import { namesEvidence } from '../src/cluster/text/specifics.ts';
import { defaultStoryConfig } from '../src/cluster/stories/story-clusterer.ts';

interface Example { features: number[]; same: boolean; article: number }

const files = process.argv.slice(2);
const embedder = cachedEmbedder(await createEmbedder(), defaultEvalCache);
const background = backgroundSimilarity(await embedder.embed(referenceArticles.map(({ title, summary }) => embeddingText(title, summary)))).mean;
const sets = new Map<string, Example[]>();
for (const file of files) sets.set(file.split('/').at(-2) ?? file, await examplesOf(readLabelledArticles(readFileSync(file, 'utf8'), file)));

const report = (name: string, model: JoinModel, examples: readonly Example[]) => {
  const scored = examples.map((example) => ({ ...example, logit: joinLogit(model, example.features) }));
  const byArticle = new Map<number, typeof scored>();
  for (const example of scored) byArticle.set(example.article, [...(byArticle.get(example.article) ?? []), example]);
  let right = 0;
  for (const list of byArticle.values()) {
    const best = list.reduce((a, b) => (b.logit > a.logit ? b : a));
    const decision = best.logit >= 0 ? best : null;
    const own = list.find((example) => example.same);
    if ((decision && decision.same) || (!decision && !own)) right++;
  }
  const positives = scored.filter((example) => example.same).map((example) => example.logit);
  const negatives = scored.filter((example) => !example.same).map((example) => example.logit).sort((a, b) => a - b);
  let below = 0;
  for (const logit of positives) below += lowerCount(negatives, logit);
  console.log(`  ${name}: AUC ${(below / (positives.length * negatives.length || 1)).toFixed(3)}, articles placed right (own story or a new one) ${(right / byArticle.size * 100).toFixed(1)}%`);
};

const names = [...sets.keys()];
for (const train of names) {
  const model = fitJoinModel(sets.get(train)!);
  console.log(`fitted on ${train}: ${describe(model)}`);
  for (const test of names) report(test === train ? `${test} (fitted on)` : test, model, sets.get(test)!);
}
const all = fitJoinModel([...sets.values()].flat());
console.log(`fitted on all: ${describe(all)}`);
for (const test of names) report(test, all, sets.get(test)!);
console.log(JSON.stringify({ bias: round(all.bias), weights: all.weights.map(round) }));

function describe(model: JoinModel): string {
  return `bias ${model.bias.toFixed(2)}, ${featureNames.map((name, index) => `${name} ${model.weights[index]!.toFixed(2)}`).join(', ')}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function lowerCount(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

async function examplesOf(articles: readonly LabelledArticle[]): Promise<Example[]> {
  const arrival = Date.parse('2000-01-01T00:00:00Z');
  const ordered = articles.map((article, index) => ({ article, time: article.published ? Date.parse(article.published) : arrival + index * 1000 })).sort((a, b) => a.time - b.time);
  const summaries = ordered.map(({ article }) => (article.text.length > 300 ? `${article.text.slice(0, 300).replace(/\s+\S*$/, '')}…` : article.text));
  const vectors = await embedder.embed(ordered.map(({ article }, index) => embeddingText(article.title, summaries[index]!)));
  const feeds = new Map<string, number>();
  const terms = feedTermCounts(ordered.map(({ article }, index) => ({
    key: String(index), feedId: feeds.get(article.source ?? '') ?? (feeds.set(article.source ?? '', feeds.size), feeds.size - 1), title: article.title, summary: summaries[index]!,
  })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((term) => term.counts));
  const stories = new Map<string, { sum: Float32Array; words: TermVector; names: Map<string, number>; size: number; first: number; last: number }>();
  const examples: Example[] = [];
  const windowMs = defaultStoryConfig.windowHours * 3600_000;
  ordered.forEach(({ article, time }, index) => {
    const own = terms.get(String(index))!;
    const words = tfidf(own.counts, idf);
    const names = new Map([...own.names].map((name) => [name, 1]));
    const length = Math.min(1, own.words / defaultStoryConfig.fullTextWords);
    const candidates: Example[] = [];
    for (const [label, story] of stories) {
      if (time - story.last > windowMs) continue;
      const overlap = sparseDot(words, story.words) / story.size;
      if (overlap === 0) continue;
      const evidence = {
        cosine: aboveBackground(dot(vectors[index]!, story.sum) / story.size, background), words: overlap, length,
        ...namesEvidence(names, 1, story.names, story.size), conflict: 0, lull: lullOf(Math.max(time - story.last, story.first - time) / 3600_000),
      };
      evidence.conflict = evidence.shared === 0 && names.size > 0 && story.names.size > 0 ? 1 : 0;
      candidates.push({ features: featureVector(evidence), same: label === article.label, article: index });
    }
    examples.push(...candidates.filter((example) => example.same), ...candidates.filter((example) => !example.same).sort((a, b) => b.features[0]! - a.features[0]!).slice(0, 10));
    const story = stories.get(article.label) ?? { sum: new Float32Array(vectors[index]!.length), words: new Map(), names: new Map(), size: 0, first: time, last: time };
    addInto(story.sum, vectors[index]!);
    addSparse(story.words, words);
    for (const name of own.names) story.names.set(name, (story.names.get(name) ?? 0) + 1);
    story.size++;
    story.last = Math.max(story.last, time);
    stories.set(article.label, story);
  });
  return examples;
}
