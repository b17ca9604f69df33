// One-off tuning sweep for Wirefold's embedder (not part of `npm run bench`; about 5 minutes):
//   node bench/embed/sweep.ts [batch sizes, default 16,32,64,128] [threads, default 1,2]
//                             [chunk, default 256: texts per embed() call, as the embed stage calls it; 0 = all]
// Every configuration gets its own embedder and bare session (same batch size and intra-op threads), is warmed up,
// then all configurations take turns for 3 rounds, each round timing Wirefold embed() and the bare session.run
// batch by batch (interleaved). Throughputs are the best round (the least disturbed by other load on the machine),
// the ratio is the median of the rounds' ratios.
import { createEmbedder } from '../../src/embed/transformers-embedder.ts';
import { interleavedRound, loadHeadlines, median, openBare } from './measure.ts';
import type { Round } from './measure.ts';

const batchSizes = (process.argv[2] ?? '16,32,64,128').split(',').map(Number);
const threadCounts = (process.argv[3] ?? '1,2').split(',').map(Number);
const chunk = Number(process.argv[4] ?? 256);
const rounds = 3;
const headlines = loadHeadlines();
const rate = (ms: number) => (headlines.length / (ms / 1000)).toFixed(0);

const configs = [];
for (const threads of threadCounts) {
  for (const batchSize of batchSizes) {
    const embedder = await createEmbedder({ batchSize, threads });
    const bare = await openBare(threads);
    const { texts, feeds, paddedTokens } = bare.batch(headlines, batchSize, { chunk });
    await interleavedRound(embedder, bare, texts, feeds, 0);
    configs.push({ batchSize, threads, embedder, bare, texts, feeds, paddedTokens, rounds: [] as Round[] });
  }
}
for (let round = 0; round < rounds; round++) {
  for (const config of configs) config.rounds.push(await interleavedRound(config.embedder, config.bare, config.texts, config.feeds, round));
}
console.log(`${headlines.length} headlines, embed() on ${chunk || 'all'} at a time`);
console.log('batch  threads  wirefold/s  bare/s  wirefold/bare  padded tokens');
for (const config of configs) {
  const wirefold = Math.min(...config.rounds.map((round) => round.wirefoldMs));
  const bare = Math.min(...config.rounds.map((round) => round.bareMs));
  const ratio = median(config.rounds.map((round) => round.bareMs / round.wirefoldMs));
  console.log(
    [String(config.batchSize).padEnd(5), String(config.threads).padEnd(7), rate(wirefold).padStart(10), rate(bare).padStart(6), `${(ratio * 100).toFixed(1)}%`.padStart(13), String(config.paddedTokens).padStart(13)].join('  '),
  );
}
