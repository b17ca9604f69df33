// Salient terms of a headline: the words that name an event (names, places, numbers), without the glue words.

const stopWords = new Set(
  ('a an and are as at be by for from has have in into is it its of on or over says say said that the their this to ' +
    'was were will with after amid about new how why what who can could may might more than up out not no its').split(' '),
);

export function salientTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|\p{N}/gu) ?? [];
  const terms = new Set<string>();
  for (const word of words) {
    const term = word.replace(/['’]s$/, '');
    if (term.length > 2 || /\d/.test(term)) if (!stopWords.has(term)) terms.add(term);
  }
  return [...terms];
}
