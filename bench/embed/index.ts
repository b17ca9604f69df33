// Wirefold's embedder against the bare model: the 2,827 UCI dev headlines through createEmbedder() (Transformers.js
// tokenizer and session, pooling in src/embed) and, in the same process, the same ONNX file through a bare
// onnxruntime-node session fed the same token ids in the same batches with the same session options. Both are warmed
// up, then timed in 3 alternating rounds; figures are medians. The batch size and threads are Wirefold's defaults
// (`node bench/embed/sweep.ts` compares others). Peak RSS is sampled every 50 ms.
import { createEmbedder, defaultBatchSize, defaultThreads } from '../../src/embed/transformers-embedder.ts';
import type { BenchRow } from '../run.ts';
import { interleavedRound, loadHeadlines, mb, median, openBare, rssSampler, timeBare, timeWirefold } from './measure.ts';

const rounds = 3;

export async function run(): Promise<BenchRow[]> {
  const memory = rssSampler();
  const headlines = loadHeadlines();
  const embedder = await createEmbedder();
  const bare = await openBare(defaultThreads);
  const batches = bare.batch(headlines, defaultBatchSize);
  const arrival = bare.batch(headlines, defaultBatchSize, { arrival: true });
  const loadedRss = process.memoryUsage().rss;

  // Warm-up passes, one of each alone, which also give each path's own peak RSS and check that both compute the same
  // vectors (the bare model's sentence_embedding output against Wirefold's pooled last_hidden_state).
  memory.reset();
  const vectors = await embedder.embed(headlines);
  const wirefoldPeak = memory.peak();
  memory.reset();
  let minCosine = 1;
  for (let index = 0; index < batches.feeds.length; index++) {
    const output = (await bare.session.run(batches.feeds[index]!)).sentence_embedding!;
    const dimensions = output.dims[1]!;
    const data = output.data as Float32Array;
    batches.texts[index]!.forEach((_, row) => {
      const vector = vectors[batches.order[index * defaultBatchSize + row]!]!;
      let dot = 0;
      for (let d = 0; d < dimensions; d++) dot += vector[d]! * data[row * dimensions + d]!;
      minCosine = Math.min(minCosine, dot);
    });
  }
  const barePeak = memory.peak();
  await timeBare(bare, arrival.feeds);

  const wirefoldMs: number[] = [];
  const bareMs: number[] = [];
  const ratios: number[] = [];
  const arrivalMs: number[] = [];
  const tokenizeMs: number[] = [];
  const interleavedRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [first, second] = round % 2 ? ['bare', 'wirefold'] : ['wirefold', 'bare'];
    const times: Record<string, number> = {};
    for (const side of [first!, second!]) times[side] = side === 'wirefold' ? await timeWirefold(embedder, headlines) : await timeBare(bare, batches.feeds);
    wirefoldMs.push(times.wirefold!);
    bareMs.push(times.bare!);
    ratios.push(times.bare! / times.wirefold!);
    const interleaved = await interleavedRound(embedder, bare, batches.texts, batches.feeds, round);
    interleavedRatios.push(interleaved.bareMs / interleaved.wirefoldMs);
    arrivalMs.push(await timeBare(bare, arrival.feeds));
    tokenizeMs.push(bare.batch(headlines, defaultBatchSize).tokenizeMs);
    if (process.env.BENCH_EMBED_VERBOSE) console.error(`round ${round}: wirefold ${times.wirefold!.toFixed(0)} ms, bare ${times.bare!.toFixed(0)} ms, interleaved ${interleaved.wirefoldMs.toFixed(0)} / ${interleaved.bareMs.toFixed(0)} ms, arrival ${arrivalMs.at(-1)!.toFixed(0)} ms, tokenize ${tokenizeMs.at(-1)!.toFixed(0)} ms`);
  }
  memory.stop();

  const count = headlines.length;
  const rate = (ms: number) => `${(count / (ms / 1000)).toFixed(0)} sentences/s`;
  const share = (ms: number) => `${ms.toFixed(0)} ms (${((ms / median(wirefoldMs)) * 100).toFixed(0)}%)`;
  const row = (measure: string, value: string): BenchRow => ({ benchmark: 'embed', measure, value });
  return [
    row('headlines', `${count} (UCI dev titles)`),
    row('batch size / intra-op threads', `${defaultBatchSize} / ${defaultThreads}`),
    row(`Wirefold embed(), median of ${rounds}`, rate(median(wirefoldMs))),
    row(`bare session.run, median of ${rounds}`, rate(median(bareMs))),
    row('Wirefold / bare', `${(median(ratios) * 100).toFixed(1)}% (target ≥ 90%)`),
    row('Wirefold / bare, batch-interleaved rounds', `${(median(interleavedRatios) * 100).toFixed(1)}%`),
    // Wirefold's own time includes tokenizing; pooling overlaps the next batch's inference, so it has no share.
    row('tokenization, within Wirefold embed()', share(median(tokenizeMs))),
    row('padded tokens: length-sorted / arrival order', `${batches.paddedTokens} / ${arrival.paddedTokens}`),
    row('bare on arrival-order batches', rate(median(arrivalMs))),
    row('min cosine, Wirefold vs bare sentence_embedding', minCosine.toFixed(6)),
    row('RSS with both models loaded', mb(loadedRss)),
    row('peak RSS: Wirefold pass / bare pass', `${mb(wirefoldPeak)} / ${mb(barePeak)}`),
    row('peak RSS of the process', `${mb(Math.max(wirefoldPeak, barePeak, memory.peak()))} sampled, ${mb(process.resourceUsage().maxRSS * 1024)} maxrss`),
  ];
}
