// Job: produce the tokenizer and config JSON files (tokenizer.json, tokenizer_config.json, special_tokens_map.json,
// config.json) with the recipe's content and Python json.dump formatting, from the package's vocab.json.
import { PyFloat, pyJsonDumps } from './py-json.ts';
import type { PyJson } from './py-json.ts';

/** vocab.json: [piece, score] pairs; a few scores are null. */
export type TfjsVocab = [string, number | null][];

/**
 * How config.json of the model this build writes begins (its `_comment`): `wirefold model build` overwrites only a
 * folder whose config.json says so, never another model.
 */
export const useLiteConfigComment = 'Universal Sentence Encoder lite re-expressed as ONNX.';

export function tokenizerFiles(vocabJson: TfjsVocab): Record<string, string> {
  // TF.js treats null scores as 0; Python floats every score (so 0 prints as 0.0).
  const vocab: [string, PyFloat][] = vocabJson.map(([p, s]) => [p, new PyFloat(typeof s === 'number' ? s : 0)]);
  // reserved ids (<s>, </s>, extra_token_id_1..3) the TF.js tokenizer never emits
  for (let i = 1; i < 6; i++) {
    const entry = vocab[i];
    if (entry) entry[1] = new PyFloat(-1000);
  }
  const meta = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: false };
  const tokenizer: PyJson = {
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: { type: 'NFKC' }, pre_tokenizer: meta, post_processor: null, decoder: meta,
    model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: false },
  };
  const special = { unk_token: '\ufffd', pad_token: '</s>', bos_token: '<s>', eos_token: '</s>' };
  const tokenizerConfig: PyJson = {
    tokenizer_class: 'PreTrainedTokenizer', model_max_length: 128, padding_side: 'right',
    clean_up_tokenization_spaces: false, ...special,
  };
  const config: PyJson = {
    _comment: `${useLiteConfigComment} Not a BERT: model_type "bert" only makes `
      + 'Transformers.js load it as a plain encoder taking input_ids + attention_mask. last_hidden_state is '
      + 'the final L2-normalised 512-d sentence embedding repeated at every position, so feature-extraction '
      + 'with pooling "mean" (or "cls") and normalize:true returns the USE embedding.',
    architectures: ['BertModel'], model_type: 'bert', hidden_size: 512, num_hidden_layers: 2,
    num_attention_heads: 4, intermediate_size: 1536, vocab_size: 8002, max_position_embeddings: 128,
    type_vocab_size: 1, pad_token_id: 2,
  };
  // Each file uses the recipe's own json.dump arguments (config.json keeps Python's default ensure_ascii=True).
  return {
    'tokenizer.json': pyJsonDumps(tokenizer, { ensureAscii: false }),
    'tokenizer_config.json': pyJsonDumps(tokenizerConfig, { ensureAscii: false, indent: 2 }),
    'special_tokens_map.json': pyJsonDumps(special, { ensureAscii: false, indent: 2 }),
    'config.json': pyJsonDumps(config, { indent: 2 }),
  };
}
