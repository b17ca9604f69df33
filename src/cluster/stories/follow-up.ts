// Follow-ups: a running story's next-day development ("What broke at Meta: the outage, the apology and the jokes",
// "Server makers pass tariff costs on to buyers") comes after a lull and tells something new in new words, so it
// scores low against each member's words and pays the lull's cost; yet its headline still calls the story by the
// word every outlet's headline used for it ("outage", "tariff"). A new event of the same subject usually arrives as
// a burst of its own; what marks a follow-up is that the story it continues had already run for hours, with outlet
// after outlet using that word in the headline.
import { stemmer } from 'stemmer';
import { salientTerms } from '../text/terms.ts';

/**
 * The stems of a text's salient words (terms.ts: a headline's, or a headline's and summary's), so that "tariffs" in one headline and "tariff" in the next are
 * one word. Stemming is a solved problem, hence the `stemmer` package (Porter 1980); stems are only ever compared,
 * never shown.
 */
export function stemsOf(text: string): Set<string> {
  const stems = new Set<string>();
  for (const term of salientTerms(text)) {
    let stem = known.get(term);
    if (stem === undefined) {
      stem = stemmer(term);
      if (known.size >= knownLimit) known.clear();
      known.set(term, stem);
    }
    stems.add(stem);
  }
  return stems;
}

/** Stems already found: a stream repeats its words, and a run stems every member headline of the active stories. */
const known = new Map<string, string>();
const knownLimit = 200_000;

/**
 * A story's subject: the stems that the most of its headlines use, when that is at least half of them and at least
 * two (one headline, or words only one outlet used, say nothing about what the coverage calls the story).
 * `headlines`: stem → how many of the story's `size` headlines use it. Returns [] when there is no such word.
 */
export function storySubject(headlines: ReadonlyMap<string, number>, size: number): string[] {
  let most = 0;
  for (const count of headlines.values()) most = Math.max(most, count);
  if (most < 2 || most * 2 < size) return [];
  return [...headlines].filter(([, count]) => count === most).map(([stem]) => stem);
}

/**
 * Whether a group (one article's headline and summary, size 1; or a story of `size` headlines) carries a subject:
 * every word of it, each in at least half of the group's texts. A story whose headlines all say "FTC" and
 * "Zuckerberg" is continued by an article that names both, in its headline or its summary; another event of one
 * company's one subject ("Apple launches iPhone in Berlin", then "... in Paris") lacks the words its headlines share
 * with each other only.
 */
export function carriesSubject(subject: readonly string[], texts: ReadonlyMap<string, number>, size: number): boolean {
  if (!subject.length) return false;
  for (const stem of subject) if ((texts.get(stem) ?? 0) * 2 < size) return false;
  return true;
}

/**
 * How established a story is as a running story, 0 to 1: how long its coverage has lasted (milliseconds since the
 * epoch, its first and latest article) over `hours` (story-clusterer.ts followUpHours). A story seen only as one burst (all of it within minutes) has shown no sign that it runs on, and
 * a later burst on its subject is more often an event of its own (a game's launch day after its review day).
 */
export function established(firstTime: number, lastTime: number, hours: number): number {
  return Math.min(1, Math.max(0, lastTime - firstTime) / (hours * 3600_000));
}
