// Shared by bench/embed/index.ts and bench/embed/sweep.ts: the headlines, the bare onnxruntime-node session on the
// same model, the same batches as Wirefold's embedder forms, and rounds that time both paths batch by batch.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import type { Tensor } from '@huggingface/transformers';
import { createEmbedder, encodeBatches } from '../../src/embed/transformers-embedder.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { defaultModelDir } from '../../src/embed/model-location.ts';
import { projectRoot } from '../../src/paths.ts';

export const articlesPath = resolve(projectRoot, '../shared/eval/uci-dev/articles.jsonl');

export function loadHeadlines(): string[] {
  return readFileSync(articlesPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { title: string }).title);
}

export type Feeds = Record<string, ort.Tensor>;

export interface Batches {
  /** Input positions in batch order. */
  order: number[];
  texts: string[][];
  feeds: Feeds[];
  paddedTokens: number;
  tokenizeMs: number;
}

export interface Bare {
  session: ort.InferenceSession;
  /**
   * Wirefold's batches of `texts` (its own encodeBatches: same token ids, order and padding) as onnxruntime-node feeds:
   * those of one embed() call on all texts, or with `chunk` of embed() calls on `chunk` texts at a time (the embed
   * stage calls it on 256). `arrival`: batches in input order instead, padded by the tokenizer.
   */
  batch(texts: readonly string[], batchSize: number, options?: { arrival?: boolean; chunk?: number }): Batches;
}

/** The model Wirefold builds; createEmbedder() builds it on first use, so call this after one. */
export async function openBare(threads: number | undefined): Promise<Bare> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = resolve(projectRoot, 'models');
  const tokenizer = await AutoTokenizer.from_pretrained(defaultModelDir.replace(/^models\//, ''));
  // What Transformers.js passes to onnxruntime-node for Wirefold: the CPU provider, its log level and the embedder's
  // intraOpNumThreads.
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], logSeverityLevel: 3 };
  if (threads) options.intraOpNumThreads = threads;
  const session = await ort.InferenceSession.create(resolve(projectRoot, defaultModelDir, 'onnx/model_quantized.onnx'), options);
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) throw new Error(`model inputs are ${session.inputNames.join(', ')}; expected ${name}`);
  }
  return {
    session,
    batch(texts, batchSize, { arrival = false, chunk = 0 } = {}) {
      const started = performance.now();
      const order: number[] = [];
      const batches: string[][] = [];
      const feeds: Feeds[] = [];
      const add = (indices: number[], inputs: Record<string, Tensor>) => {
        order.push(...indices);
        batches.push(indices.map((index) => texts[index]!));
        const feed: Feeds = {};
        for (const name of session.inputNames) feed[name] = new ort.Tensor('int64', inputs[name]!.data as BigInt64Array, inputs[name]!.dims);
        feeds.push(feed);
      };
      if (arrival) {
        // The tokenizer's own batching: arrival order, each batch padded to its longest text.
        for (let start = 0; start < texts.length; start += batchSize) {
          const indices = texts.slice(start, start + batchSize).map((_, row) => start + row);
          const inputs = tokenizer(indices.map((index) => texts[index]!.trim() || '-'), { padding: true, truncation: true }) as unknown as Record<string, Tensor>;
          add(indices, inputs);
        }
      } else {
        const size = chunk || texts.length;
        for (let start = 0; start < texts.length; start += size) {
          for (const { indices, inputs } of encodeBatches(tokenizer, texts.slice(start, start + size), batchSize)) {
            add(indices.map((index) => start + index), inputs);
          }
        }
      }
      const tokenizeMs = performance.now() - started;
      const paddedTokens = feeds.reduce((sum, feed) => sum + feed.input_ids!.size, 0);
      return { order, texts: batches, feeds, paddedTokens, tokenizeMs };
    },
  };
}

export interface Round {
  wirefoldMs: number;
  bareMs: number;
}

/**
 * One pass over every batch, timing Wirefold's embed() and the bare session.run back to back on each batch (first
 * one, then the other, alternating), so load from elsewhere on the machine falls on both alike. embed() on one
 * batch is exactly one step of embed() on all texts.
 */
export async function interleavedRound(embedder: Embedder, bare: Bare, texts: string[][], feeds: Feeds[], round: number): Promise<Round> {
  let wirefoldMs = 0;
  let bareMs = 0;
  for (let index = 0; index < texts.length; index++) {
    for (const side of (index + round) % 2 ? ['bare', 'wirefold'] : ['wirefold', 'bare']) {
      const started = performance.now();
      if (side === 'wirefold') await embedder.embed(texts[index]!);
      else await bare.session.run(feeds[index]!);
      const elapsed = performance.now() - started;
      if (side === 'wirefold') wirefoldMs += elapsed;
      else bareMs += elapsed;
    }
  }
  return { wirefoldMs, bareMs };
}

export async function timeBare(bare: Bare, feeds: Feeds[]): Promise<number> {
  const started = performance.now();
  for (const feed of feeds) await bare.session.run(feed);
  return performance.now() - started;
}

export async function timeWirefold(embedder: Embedder, texts: readonly string[]): Promise<number> {
  const started = performance.now();
  await embedder.embed(texts);
  return performance.now() - started;
}

export { createEmbedder };

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Samples process RSS every 50 ms; `peak()` is the largest sample since the last `reset()`. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  timer.unref();
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    reset: () => (peak = process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
