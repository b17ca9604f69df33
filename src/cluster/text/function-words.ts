// Function words of the language a text is written in, when that is not English: "le", "la", "de", "und", "der", "el"
// are the commonest words of French, Spanish and German copy and would otherwise read as rare content words in a
// mostly English corpus, and name topics. The lists are the `stopword` package's. Their union is not usable as one
// list: other languages' lists hold English content words ("war" is German for "was", "men" Swedish for "but", "die"
// German and Dutch for "the"). So a word counts as a function word of language L only in a text that reads as L:
// one where at least two of its words are L's function words that English does not have, and those outnumber the
// text's English function words. An English headline ("War in Gaza: die-hard fans…") has one such word at most and
// at least as many English ones; "Le président de la République" has three and none.
import * as stopword from 'stopword';

/**
 * Lists of the `stopword` package left out: English itself, numbers, and Malay's, which is a list of frequent news
 * words ("global", "china", "bank", "minister") rather than function words.
 */
const notLanguages = new Set(['_123', 'eng', 'msa']);

interface Language {
  words: ReadonlySet<string>;
}

let cache: { languages: Language[]; distinctive: Map<string, number[]> } | null = null;

function languages(english: ReadonlySet<string>) {
  if (cache) return cache;
  const languages: Language[] = [];
  const distinctive = new Map<string, number[]>();
  for (const [code, list] of Object.entries(stopword)) {
    if (notLanguages.has(code) || !Array.isArray(list)) continue;
    const words = new Set((list as string[]).map((word) => word.toLowerCase()));
    const index = languages.push({ words }) - 1;
    for (const word of words) {
      // Letters only, two or more: digits and lone letters ("7", "m") are in some lists and tell no language.
      if (english.has(word) || word.length < 2 || !/^\p{L}+$/u.test(word)) continue;
      let of = distinctive.get(word);
      if (!of) distinctive.set(word, (of = []));
      of.push(index);
    }
  }
  return (cache = { languages, distinctive });
}

/** Words a text's language counts as function words beyond English's, if it needs one. */
export type ForeignFunctionWords = ReadonlySet<string>[];

/**
 * The function-word lists of the language other than English that a text reads as most (usually none; sometimes a few
 * near languages tie, such as Spanish, Catalan and Galician on "el … de la", and their function words are dropped
 * together).
 * `words` are the text's words in lower case; `english` is the English stopword set the caller uses, so a word both
 * languages share (German "in", French "on") is no evidence either way.
 */
export function foreignFunctionWords(words: readonly string[], english: ReadonlySet<string>): ForeignFunctionWords {
  const { languages: all, distinctive } = languages(english);
  let englishHits = 0;
  const hits = new Map<number, number>();
  // Distinct words: a name said twice ("Lena Dunham - Lena Dunham …") is one piece of evidence, not two.
  for (const word of new Set(words)) {
    if (english.has(word)) englishHits++;
    for (const index of distinctive.get(word) ?? []) hits.set(index, (hits.get(index) ?? 0) + 1);
  }
  const best = Math.max(0, ...hits.values());
  if (best < 2 || best <= englishHits) return [];
  return [...hits].filter(([, count]) => count === best).map(([index]) => all[index]!.words);
}
