// Word overlap between an article and a story, as TF-IDF cosines. Embeddings place two earthquakes or two rehab
// check-ins close together; the names, places and numbers that tell them apart are rare words, which TF-IDF weighs
// most. Headline words count twice: they carry the event.
import { isSpecific, readCasing, streamNames } from './specifics.ts';
import type { Casing } from './specifics.ts';
import { stripTemplates } from './templates.ts';

export type TermVector = Map<string, number>;

export interface ArticleTerms {
  /** Term weights: headline words count twice, names and numbers twice again. */
  counts: Map<string, number>;
  /** How much the article says: the distinct salient words of its headline plus those of its summary. */
  words: number;
  /**
   * Its specifics: names, places, organisations and numbers (specifics.ts). termCounts gives the words the article
   * itself writes as names; feedTermCounts gives those of its words the stream writes as names.
   */
  names: Set<string>;
  /** How it writes its words, which tells the stream's names from ordinary words. */
  casing: Casing;
  /**
   * From feedTermCounts: the headline without its feed's template (templates.ts), which the words and names were
   * counted on, and whether it had one.
   */
  headline?: string;
  templated?: boolean;
}

/**
 * Term weights of an article: headline words count twice, and names and numbers (namedTerms) twice again, since
 * they carry the event: "earthquake" is shared by two quakes on one day, "Valparaíso" and "Hokkaido" are not.
 */
export function termCounts(title: string, summary: string): ArticleTerms {
  const counts = new Map<string, number>();
  let words = 0;
  const written: Casing = { names: new Set(), plain: new Set(), capitalised: new Set(), terms: [] };
  for (const [text, weight] of [[title, 2], [summary, 1]] as const) {
    const seen = new Set<string>();
    for (const { term, named } of readCasing(text, written)) {
      if (seen.has(term)) continue;
      seen.add(term);
      counts.set(term, (counts.get(term) ?? 0) + weight * (named ? namedWeight : 1));
    }
    words += seen.size;
  }
  return { counts, words, names: new Set([...written.names].filter((name) => counts.has(name) && isSpecific(name))), casing: written };
}

const namedWeight = 2;

/**
 * Term counts of many articles with each feed's headline templates (templates.ts) and boilerplate removed: words in most of one feed's items and hardly
 * anywhere else ("Status", "Investigating", "Resolved" on a status page, a newsletter's sign-off) say which feed wrote
 * it, not what happened, yet look rare, and so telling, across all feeds. Words of an event that one feed covers
 * closely are used by other feeds too, so they stay.
 */
export function feedTermCounts(articles: readonly { key: string; feedId: number; title: string; summary: string }[]): Map<string, ArticleTerms> {
  const headlines = stripTemplates(articles);
  const terms = new Map(articles.map((article) => {
    const { title, templated } = headlines.get(article.key)!;
    return [article.key, { ...termCounts(title, article.summary), headline: title, templated }];
  }));
  const byFeed = new Map<number, Map<string, number>[]>();
  const everywhere = new Map<string, number>();
  for (const article of articles) {
    const document = terms.get(article.key)!.counts;
    const documents = byFeed.get(article.feedId);
    if (documents) documents.push(document);
    else byFeed.set(article.feedId, [document]);
    for (const term of document.keys()) everywhere.set(term, (everywhere.get(term) ?? 0) + 1);
  }
  for (const documents of byFeed.values()) {
    if (documents.length < boilerplateMinimumItems) continue;
    const frequencies = new Map<string, number>();
    for (const document of documents) for (const term of document.keys()) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    for (const [term, frequency] of frequencies) {
      const boilerplate = frequency >= boilerplateShare * documents.length && frequency >= ownFeedShare * everywhere.get(term)!;
      if (boilerplate) for (const document of documents) document.delete(term);
    }
  }
  const names = streamNames([...terms.values()].map((article) => article.casing));
  for (const article of terms.values()) article.names = new Set([...article.casing.capitalised].filter((term) => names.has(term) && article.counts.has(term)));
  // A name no other article uses can never be shared, so it says nothing about which story an article belongs to.
  const uses = new Map<string, number>();
  for (const article of terms.values()) for (const name of article.names) uses.set(name, (uses.get(name) ?? 0) + 1);
  for (const article of terms.values()) for (const name of article.names) if (uses.get(name)! < 2) article.names.delete(name);
  return terms;
}

/** A feed needs this many items in view; a word must be in this share of them, with this share of its uses. */
const boilerplateMinimumItems = 6;
const boilerplateShare = 0.4;
const ownFeedShare = 0.8;

/**
 * Inverse document frequencies over the articles a run works with (the recent stream), log(N / df).
 * Why a second IDF beside topic-terms.ts inverseDocumentFrequency: stories compare an article with the stream of the
 * last few days, where a word only this article and one story use is the best evidence there is, so every term keeps
 * its weight; topics count over every article ever seen and zero the terms met once, which would only dilute a topic's
 * long-lived vector. Likewise the two tokenizers: stories keep short words and case (terms.ts, specifics.ts), topics
 * drop a long stopword list and keep phrases for their labels (topic-terms.ts).
 */
export function inverseDocumentFrequencies(documents: readonly Map<string, number>[]): (term: string) => number {
  const frequencies = new Map<string, number>();
  for (const document of documents) for (const term of document.keys()) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  const total = Math.max(1, documents.length);
  return (term) => Math.log(total / (frequencies.get(term) ?? 1));
}

/** Unit-length TF-IDF vector (sublinear term frequency). */
export function tfidf(counts: Map<string, number>, idf: (term: string) => number): TermVector {
  const vector: TermVector = new Map();
  for (const [term, count] of counts) {
    const weight = (1 + Math.log(count)) * idf(term);
    if (weight > 0) vector.set(term, weight);
  }
  return unitSparse(vector);
}

export function sparseDot(vector: TermVector, sum: TermVector): number {
  let total = 0;
  for (const [term, weight] of vector) {
    const other = sum.get(term);
    if (other) total += weight * other;
  }
  return total;
}

export function addSparse(sum: TermVector, vector: TermVector): void {
  for (const [term, weight] of vector) sum.set(term, (sum.get(term) ?? 0) + weight);
}

export function unitSparse(vector: TermVector): TermVector {
  let norm = 0;
  for (const weight of vector.values()) norm += weight * weight;
  norm = Math.sqrt(norm) || 1;
  // A loop, not new Map([...vector].map(…)): two arrays fewer per call, and a run makes one per article and story.
  const unit: TermVector = new Map();
  for (const [term, weight] of vector) unit.set(term, weight / norm);
  return unit;
}
