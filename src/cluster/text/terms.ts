// Salient terms of a headline: the words that name an event (names, places, numbers), without the glue words.

const stopWords = new Set(
  ('a an and are as at be by for from has have in into is it its of on or over says say said that the their this to ' +
    'was were will with after amid about new how why what who can could may might more than up out not no its').split(' '),
);

export function salientTerms(text: string): string[] {
  return [...new Set(namedTerms(text).map(({ term }) => term))];
}

/** A word: letters and digits, with inner apostrophes, dots and hyphens ("U.S.", "6.8", "Jay-Z", "Valparaíso's"). */
export const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|\p{N}/gu;

/**
 * Salient terms in order of appearance, lower-cased, each marked when written as a name or a number (a capital or a
 * digit in the text): what tells two look-alike events apart. In a headline written in Title Case every word looks
 * like a name, which weighs all of them alike.
 */
export function namedTerms(text: string): { term: string; named: boolean }[] {
  const words = text.match(wordPattern) ?? [];
  const terms: { term: string; named: boolean }[] = [];
  for (const word of words) {
    const term = word.toLowerCase().replace(/['’]s$/, '');
    if (isSalient(term)) terms.push({ term, named: /^[\p{Lu}\p{N}]/u.test(word) });
  }
  return terms;
}

/** Whether a lower-cased word is a salient term: not a glue word, and longer than two letters unless it is a number. */
export function isSalient(term: string): boolean {
  return (term.length > 2 || /\d/.test(term)) && !stopWords.has(term);
}
