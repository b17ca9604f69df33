// Scores Wirefold's clustering against labelled news: the articles go through the real store, embed and cluster
// stages in time order, exactly as ingest would hand them over; labels are read only to score. Story level scores the
// stories against `label`; topic level scores topics against `label_topic` (or `label` for sets that only have one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { articlesWithGuids, relatedOf, storiesByGuid } from '../store/stories.ts';
import { upsertFeed } from '../store/feeds.ts';
import { saveFeedItems } from '../ingest/save-items.ts';
import type { FeedItem } from '../model/feed-item.ts';
import type { Embedder } from '../embed/embedder.ts';
import { embedArticles } from '../embed/embed-stage.ts';
import { clusterArticles } from '../cluster/cluster-stage.ts';
import { strongestTopicOfStories } from '../store/topics.ts';
import { scoreClustering } from './metrics.ts';
import type { ClusteringScores } from './metrics.ts';
import { feedTermCounts, inverseDocumentFrequencies, tfidf } from '../cluster/text/lexical.ts';
import { loadEmbeddings } from '../store/embeddings.ts';
import { backgroundSimilarity } from '../cluster/text/calibrate.ts';
import { referenceHashes } from '../embed/embed-stage.ts';
import { explainErrors } from './explain.ts';
import type { ExplainedArticle, Explanation } from './explain.ts';

export interface LabelledArticle {
  id: string;
  title: string;
  text: string;
  published: string | null;
  source: string | null;
  label: string;
  labelTopic?: string;
}

/**
 * The labelled articles of a JSON Lines file (../shared/eval/README.md: one object per line with id, title, text,
 * published, source, label and maybe label_topic). Throws "<file>:<line>: …" for a line that is no JSON object or
 * lacks an id or a label: such a line was read as an article with the label "undefined", and a file of them scored
 * a perfect 1.000.
 */
export function readLabelledArticles(text: string, file: string): LabelledArticle[] {
  return text.split('\n').map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line.trim()).map(({ line, number }) => {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${file}:${number}: not a JSON object`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}:${number}: not a JSON object`);
    // An id and a gold label are what scoring needs; a title or text may be empty (an article of few words is still
    // an article of its set), so one odd line of a real set never stops the whole evaluation.
    const missing = ['id', 'label'].filter((field) => !['string', 'number'].includes(typeof raw[field]) || raw[field] === '');
    if (missing.length > 0) throw new Error(`${file}:${number}: no ${missing.join(', ')} (each line is one article: id, title, text, published, source, label)`);
    return {
      id: String(raw.id), title: String(raw.title ?? ''), text: String(raw.text ?? ''),
      published: typeof raw.published === 'string' ? raw.published : null,
      source: typeof raw.source === 'string' ? raw.source : null,
      label: String(raw.label), labelTopic: raw.label_topic === undefined ? undefined : String(raw.label_topic),
    };
  });
}

export interface EvaluationResult extends ClusteringScores {
  seconds: number;
  /** Topic level only: how the articles spread over topics. */
  topics?: TopicSpread;
  /** Story level, when the set has label_topic: how many of each story's top 3 related stories share its topic. */
  related?: RelatedAgreement;
  /** Story level, when asked: the worst merges and splits with their signals. */
  explanation?: Explanation;
}

export interface RelatedAgreement {
  /** Stories with at least one related story. */
  stories: number;
  /** Of all top-3 related entries, the share whose story has the same gold topic (majority label_topic) as the story. */
  sameTopicShare: number;
}

/** Topic sizes in articles (an article counts in its story's strongest topic), for "no catch-all, no flood of tiny ones". */
export interface TopicSpread {
  count: number;
  /** Share of the articles that belong to some topic. */
  coveredShare: number;
  /** Share of all articles held by the largest topic. */
  largestShare: number;
  sizes: { min: number; p25: number; median: number; p75: number; max: number };
}

/**
 * `runs` splits the time-ordered articles into that many scheduled runs of equal size, each clustered as of its
 * latest article, to measure what incremental clustering keeps of a single pass.
 */
export async function evaluateClustering(articles: readonly LabelledArticle[], embedder: Embedder, level: 'story' | 'topic' = 'story', runs = 1, explain = 0): Promise<EvaluationResult> {
  const started = performance.now();
  const folder = mkdtempSync(join(tmpdir(), 'wirefold-eval-'));
  const store = await openStore(join(folder, 'eval.db'));
  try {
    // Articles without a date arrive in file order, a second apart, as a feed reader would first see them.
    const arrival = Date.parse('2000-01-01T00:00:00Z');
    const ordered = articles.map((article, index) => ({ article, time: article.published ? Date.parse(article.published) : arrival + index * 1000 }))
      .sort((a, b) => a.time - b.time);
    const feedIds = new Map<string, number>();
    const runSize = Math.max(1, Math.ceil(ordered.length / Math.max(1, runs)));
    for (let start = 0; start < ordered.length; start += runSize) {
      const batch = ordered.slice(start, start + runSize);
      for (const { article, time } of batch) {
        // An article of unknown outlet is its own: lumped into one "unknown" feed, hundreds of unrelated articles would
        // look like one outlet's items (its words boilerplate, its stories single-outlet).
        const source = article.source ?? `unknown ${article.id}`;
        let feedId = feedIds.get(source);
        if (feedId === undefined) {
          feedId = await upsertFeed(store, { url: `https://eval.invalid/${encodeURIComponent(source)}`, title: source });
          feedIds.set(source, feedId);
        }
        await saveFeedItems(store, feedId, [toFeedItem(article, time)], new Date(time).toISOString());
      }
      await embedArticles(store, embedder);
      await clusterArticles(store, { modelId: embedder.id, topicSeeds: [], now: new Date(batch.at(-1)!.time) });
    }

    const storyOf = await storiesByGuid(store);
    const gold = articles.map((article) => (level === 'topic' ? article.labelTopic ?? article.label : article.label));
    if (level === 'story') {
      const predicted = articles.map((article) => storyOf.get(article.id) ?? `unplaced:${article.id}`);
      const related = articles.some((article) => article.labelTopic !== undefined) ? await relatedAgreement(store, articles, storyOf) : undefined;
      const explanation = explain ? await explainStore(store, embedder.id, articles, predicted, gold, explain) : undefined;
      return { ...scoreClustering(predicted, gold), seconds: (performance.now() - started) / 1000, related, explanation };
    }
    // An article in several topics counts in its story's strongest one; an article in no topic is a cluster of its own.
    const topicOfStory = await strongestTopicOfStories(store);
    const topicOf = articles.map((article) => topicOfStory.get(storyOf.get(article.id) ?? ''));
    const predicted = topicOf.map((topic, index) => (topic === undefined ? `no-topic:${articles[index]!.id}` : `topic:${topic}`));
    return { ...scoreClustering(predicted, gold), seconds: (performance.now() - started) / 1000, topics: topicSpread(topicOf) };
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The worst merges and splits, with the signals the cluster stage sees (the same words, specifics and scale). */
async function explainStore(store: Store, modelId: string, articles: readonly LabelledArticle[], predicted: readonly string[], gold: readonly string[], limit: number): Promise<Explanation> {
  const rows = await articlesWithGuids(store);
  const byGuid = new Map(rows.map((row) => [row.guid, row]));
  const terms = feedTermCounts(rows.map(({ hash, feedId, title, summary }) => ({ key: hash, feedId, title, summary })));
  const idf = inverseDocumentFrequencies([...terms.values()].map((term) => term.counts));
  const vectors = await loadEmbeddings(store, modelId, rows.map((row) => row.hash));
  const background = backgroundSimilarity([...(await loadEmbeddings(store, modelId, referenceHashes)).values()]).mean;
  const kept = articles.map((article, index) => ({ row: byGuid.get(article.id), index })).filter(({ row }) => row && vectors.has(row.hash));
  const explained: ExplainedArticle[] = kept.map(({ row }) => ({
    title: row!.title, source: row!.source, time: Date.parse(row!.published), vector: vectors.get(row!.hash)!,
    words: tfidf(terms.get(row!.hash)!.counts, idf), names: terms.get(row!.hash)!.names,
  }));
  return explainErrors(explained, kept.map(({ index }) => predicted[index]!), kept.map(({ index }) => gold[index]!), background, limit);
}

async function relatedAgreement(store: Store, articles: readonly LabelledArticle[], storyOf: Map<string, string>): Promise<RelatedAgreement> {
  const votes = new Map<string, Map<string, number>>();
  for (const article of articles) {
    const story = storyOf.get(article.id);
    if (story === undefined || article.labelTopic === undefined) continue;
    const tally = votes.get(story) ?? new Map<string, number>();
    tally.set(article.labelTopic, (tally.get(article.labelTopic) ?? 0) + 1);
    votes.set(story, tally);
  }
  const topicOf = new Map([...votes].map(([story, tally]) => [story, [...tally].sort((a, b) => b[1] - a[1])[0]![0]]));
  let entries = 0;
  let same = 0;
  let stories = 0;
  for (const [story, list] of await relatedOf(store, [...topicOf.keys()])) {
    const top = list.slice(0, 3);
    if (top.length) stories++;
    entries += top.length;
    same += top.filter((entry) => topicOf.get(entry.id) === topicOf.get(story)).length;
  }
  return { stories, sameTopicShare: entries ? same / entries : 0 };
}

function topicSpread(topicOf: readonly (number | undefined)[]): TopicSpread {
  const counts = new Map<number, number>();
  for (const topic of topicOf) if (topic !== undefined) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  const sizes = [...counts.values()].sort((a, b) => a - b);
  const at = (quantile: number) => sizes[Math.min(sizes.length - 1, Math.floor(quantile * sizes.length))] ?? 0;
  const covered = sizes.reduce((sum, size) => sum + size, 0);
  return {
    count: sizes.length,
    coveredShare: topicOf.length ? covered / topicOf.length : 0,
    largestShare: topicOf.length ? (sizes.at(-1) ?? 0) / topicOf.length : 0,
    sizes: { min: sizes[0] ?? 0, p25: at(0.25), median: at(0.5), p75: at(0.75), max: sizes.at(-1) ?? 0 },
  };
}

function toFeedItem(article: LabelledArticle, time: number): FeedItem {
  const summary = article.text.length > 300 ? `${article.text.slice(0, 300).replace(/\s+\S*$/, '')}…` : article.text;
  return {
    guid: article.id, title: article.title, url: `https://eval.invalid/articles/${encodeURIComponent(article.id)}`,
    originalUrl: null, published: new Date(time).toISOString(), updated: null, dateFlag: null, author: null,
    summary, contentHtml: '', image: null, categories: [],
  };
}
