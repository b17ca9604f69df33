// "What happened": two or three sentences taken from different outlets' summaries, so a reader gets the story before
// choosing an article. Extractive and local: the words are the outlets', each attributed, nothing is generated.
import { eng } from 'stopword';

export interface SummarySource {
  source: string;
  /** The outlet's identity; one sentence per outlet at most. */
  outletKey: string;
  summary: string;
  url: string | null;
  publishedAt: string;
}

export interface SummarySentence {
  text: string;
  source: string;
  url: string | null;
  publishedAt: string;
}

const stopwords = new Set(eng);
/** Sentences sharing this much of their vocabulary say the same thing twice. */
const nearDuplicate = 0.5;

/**
 * Up to `limit` sentences from the summaries, each from another outlet, in the order they were published. A sentence
 * is chosen for centrality (how much of its vocabulary the other outlets' summaries share: what the coverage agrees
 * on, not one outlet's aside), and skipped when it repeats an already chosen one. Nothing for a story with fewer than
 * two outlets: one outlet's summary is already the lead.
 */
export function whatHappened(articles: readonly SummarySource[], limit = 3): SummarySentence[] {
  if (new Set(articles.map((article) => article.outletKey)).size < 2) return [];
  const candidates = articles.flatMap((article) => sentencesOf(article.summary)
    .map((text) => ({ article, text, words: wordsOf(text) })))
    // A quotation tells how someone reacted, seldom what happened; and it would need its speaker as well as its outlet.
    .filter((candidate) => candidate.words.size >= 4 && !/^["“‘']/.test(candidate.text));
  const outletWords = new Map<string, Set<string>>();
  for (const article of articles) {
    const words = outletWords.get(article.outletKey) ?? new Set<string>();
    for (const word of wordsOf(`${article.summary}`)) words.add(word);
    outletWords.set(article.outletKey, words);
  }
  const scored = candidates.map((candidate) => {
    const others = [...outletWords].filter(([key]) => key !== candidate.article.outletKey).map(([, words]) => words);
    const centrality = others.reduce((sum, words) => sum + share(candidate.words, words), 0) / Math.max(1, others.length);
    return { ...candidate, centrality };
  }).sort((a, b) => b.centrality - a.centrality || a.article.publishedAt.localeCompare(b.article.publishedAt));

  const chosen: typeof scored = [];
  for (const candidate of scored) {
    if (chosen.length >= limit) break;
    if (candidate.centrality === 0) break;
    if (chosen.some((other) => other.article.outletKey === candidate.article.outletKey)) continue;
    if (chosen.some((other) => overlap(other.words, candidate.words) >= nearDuplicate)) continue;
    chosen.push(candidate);
  }
  if (chosen.length < 2) return [];
  return chosen.sort((a, b) => a.article.publishedAt.localeCompare(b.article.publishedAt))
    .map(({ article, text }) => ({ text, source: article.source, url: article.url, publishedAt: article.publishedAt }));
}

/** Whole sentences of a reasonable length; a summary cut off mid-sentence ("…") loses its last fragment. */
export function sentencesOf(summary: string): string[] {
  const text = summary.replace(/\s+/g, ' ').trim();
  // A full stop after an initial or a common abbreviation ("U.S.", "Nov. 17", "Dr.") does not end a sentence.
  const sentences = text.split(/(?<!\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|Inc|Corp|Ltd)\.)(?<=[.!?]["”’)]?)\s+(?=["“‘]?[A-Z0-9])/);
  return sentences.map((sentence) => sentence.trim())
    .filter((sentence) => /[.!?]["”’)]?$/.test(sentence) && sentence.length >= 40 && sentence.length <= 280);
}

function wordsOf(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [])
    .filter((word) => word.length >= 3 && !stopwords.has(word)));
}

/** The part of `words` that `other` also has. */
function share(words: ReadonlySet<string>, other: ReadonlySet<string>): number {
  let common = 0;
  for (const word of words) if (other.has(word)) common++;
  return words.size ? common / words.size : 0;
}

/** Overlap of two sentences relative to the shorter one: a short sentence inside a long one is a duplicate too. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  return share(small, large);
}
