// The worst errors of a clustering, each with the signals between the two groups involved: for a merge, the story's
// largest gold event and an event that got into it; for a split, an event's largest story and another piece of it.
// Shown so the signals that separate events can be studied on the visible sets, as they were on the hidden ones.
import { addSparse, sparseDot, unitSparse } from '../cluster/text/lexical.ts';
import type { TermVector } from '../cluster/text/lexical.ts';
import { aboveBackground } from '../cluster/text/calibrate.ts';
import { addInto, dot } from '../cluster/text/vectors.ts';

export interface ExplainedArticle {
  title: string;
  source: string;
  /** Milliseconds since the epoch. */
  time: number;
  vector: Float32Array;
  words: TermVector;
  names: ReadonlySet<string>;
}

export interface GroupSignals {
  /** Average-link rescaled cosine between the groups, and that of their closest pair. */
  cosine: number;
  closestCosine: number;
  /** Specifics named in both groups, most used first; and those only the smaller group names. */
  sharedNames: string[];
  missingNames: string[];
  /** TF-IDF cosine of the groups' summed words. */
  wordOverlap: number;
  /** Hours between the groups' time spans (0 when they overlap). */
  hours: number;
  /** Share of the smaller group's articles from an outlet the larger group also has. */
  sameOutlet: number;
}

export interface ExplainedError {
  kind: 'merge' | 'split';
  /** Article pairs the error gets wrong (size × size). */
  pairs: number;
  larger: { size: number; titles: string[] };
  smaller: { size: number; titles: string[] };
  signals: GroupSignals;
}

export interface Explanation {
  merges: ExplainedError[];
  splits: ExplainedError[];
}

export function explainErrors(articles: readonly ExplainedArticle[], predicted: readonly string[], gold: readonly string[], background: number, limit: number): Explanation {
  const errors = (kind: 'merge' | 'split', outer: readonly string[], inner: readonly string[]) => {
    const groups = new Map<string, Map<string, number[]>>();
    outer.forEach((key, index) => {
      const parts = groups.get(key) ?? new Map<string, number[]>();
      const part = parts.get(inner[index]!) ?? [];
      part.push(index);
      parts.set(inner[index]!, part);
      groups.set(key, parts);
    });
    const found: ExplainedError[] = [];
    for (const parts of groups.values()) {
      const sorted = [...parts.values()].sort((a, b) => b.length - a.length);
      for (const part of sorted.slice(1)) found.push(explained(kind, sorted[0]!.map((i) => articles[i]!), part.map((i) => articles[i]!), background));
    }
    return found.sort((a, b) => b.pairs - a.pairs).slice(0, limit);
  };
  return { merges: errors('merge', predicted, gold), splits: errors('split', gold, predicted) };
}

function explained(kind: 'merge' | 'split', larger: ExplainedArticle[], smaller: ExplainedArticle[], background: number): ExplainedError {
  return {
    kind,
    pairs: larger.length * smaller.length,
    larger: { size: larger.length, titles: larger.slice(0, 2).map((article) => article.title) },
    smaller: { size: smaller.length, titles: smaller.slice(0, 2).map((article) => article.title) },
    signals: groupSignals(larger, smaller, background),
  };
}

export function groupSignals(a: readonly ExplainedArticle[], b: readonly ExplainedArticle[], background: number): GroupSignals {
  const sum = (group: readonly ExplainedArticle[]) => {
    const total = new Float32Array(group[0]!.vector.length);
    for (const article of group) addInto(total, article.vector);
    return total;
  };
  let closest = -Infinity;
  for (const x of a.slice(0, 200)) for (const y of b.slice(0, 200)) closest = Math.max(closest, dot(x.vector, y.vector));
  const wordsOf = (group: readonly ExplainedArticle[]) => {
    const total: TermVector = new Map();
    for (const article of group) addSparse(total, article.words);
    return unitSparse(total);
  };
  const namesOf = (group: readonly ExplainedArticle[]) => {
    const counts = new Map<string, number>();
    for (const article of group) for (const name of article.names) counts.set(name, (counts.get(name) ?? 0) + 1);
    return counts;
  };
  const [namesA, namesB] = [namesOf(a), namesOf(b)];
  const sharedNames = [...namesB.keys()].filter((name) => namesA.has(name)).sort((x, y) => namesA.get(y)! + namesB.get(y)! - namesA.get(x)! - namesB.get(x)!);
  const missingNames = [...namesB.keys()].filter((name) => !namesA.has(name)).sort((x, y) => namesB.get(y)! - namesB.get(x)!);
  const span = (group: readonly ExplainedArticle[]) => [Math.min(...group.map((article) => article.time)), Math.max(...group.map((article) => article.time))] as const;
  const [[firstA, lastA], [firstB, lastB]] = [span(a), span(b)];
  const outlets = new Set(a.map((article) => article.source));
  return {
    cosine: aboveBackground(dot(sum(a), sum(b)) / (a.length * b.length), background),
    closestCosine: aboveBackground(closest, background),
    sharedNames,
    missingNames,
    wordOverlap: sparseDot(wordsOf(a), wordsOf(b)),
    hours: Math.max(0, firstB - lastA, firstA - lastB) / 3600_000,
    sameOutlet: b.filter((article) => outlets.has(article.source)).length / b.length,
  };
}

export function formatExplanation({ merges, splits }: Explanation): string {
  const f = (value: number) => value.toFixed(2);
  const line = (error: ExplainedError) => {
    const { cosine, closestCosine, sharedNames, missingNames, wordOverlap, hours, sameOutlet } = error.signals;
    return `  ${error.pairs} pairs: ${error.larger.size} × ${error.smaller.size}  cosine ${f(cosine)} (closest ${f(closestCosine)})  words ${f(wordOverlap)}  ` +
      `gap ${hours.toFixed(1)} h  same outlet ${f(sameOutlet)}  names [${sharedNames.slice(0, 6).join(', ')}], only B [${missingNames.slice(0, 4).join(', ')}]\n` +
      `    A: ${error.larger.titles.map((title) => title.slice(0, 90)).join(' | ')}\n    B: ${error.smaller.titles.map((title) => title.slice(0, 90)).join(' | ')}`;
  };
  return [`worst merges (A: the story's largest event, B: another event in it)`, ...merges.map(line),
    `worst splits (A: the event's largest story, B: another piece of it)`, ...splits.map(line)].join('\n');
}
