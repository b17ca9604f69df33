// The order of the front page and of each archive day, decided when the site is read rather than from the score
// clustering stored: that score fades with the age of a story measured from the clock of the run that last touched
// the story, so stories scored by different runs were not comparable, and on a paused or replayed store every story
// had faded to 0 and the order fell back to whatever moved last. Scored here, every story is measured from one clock.
// (The fade is exponential, so moving that clock scales all scores alike: the order does not depend on when the site
// is built, only on the store.)

const dayMs = 24 * 3600_000;

export interface Rankable {
  id: string;
  score: number;
  /** Distinct outlets. */
  sourceCount: number;
  /** The UTC day the story was first reported, YYYY-MM-DD. */
  day: string;
  lastPublishedAt: string;
}

/**
 * The newest article time that a second outlet confirms: the second latest of the outlets' newest articles. One
 * outlet's odd clock cannot move it: an undated item stamped with the time it was fetched (as in the demo's
 * snapshot), or a date in the future. With a single outlet, its newest article.
 */
export function newestArticleTime(articles: readonly { outletKey: string; publishedAt: string }[]): number {
  const newestByOutlet = new Map<string, number>();
  for (const article of articles) {
    const time = Date.parse(article.publishedAt);
    if (time > (newestByOutlet.get(article.outletKey) ?? -Infinity)) newestByOutlet.set(article.outletKey, time);
  }
  const newest = [...newestByOutlet.values()].sort((a, b) => b - a);
  return newest[1] ?? newest[0] ?? 0;
}

/**
 * The time recency is measured from: now, unless the newest article in the store is more than a day older than now
 * (a paused site, an archive, a replay); then that article's time, so stories still rank by their coverage.
 */
export function rankingClock(newestArticleMs: number, nowMs: number): number {
  return nowMs - newestArticleMs > dayMs ? newestArticleMs : nowMs;
}

/**
 * Best first by score; and a story told by one outlet never comes before a story of the same day told by several
 * (a one-outlet grab-bag is not the news of the day, however many articles it holds). A single-outlet story that
 * scored above them moves to just after the last of them, keeping its order otherwise.
 */
export function rankStories<T extends Rankable>(stories: readonly T[]): T[] {
  const byScore = [...stories].sort((a, b) => b.score - a.score || b.lastPublishedAt.localeCompare(a.lastPublishedAt) || a.id.localeCompare(b.id));
  const lastMultiOutlet = new Map<string, number>();
  byScore.forEach((story, index) => {
    if (story.sourceCount > 1) lastMultiOutlet.set(story.day, index);
  });
  const place = (story: T, index: number) => story.sourceCount > 1 ? index : Math.max(index, (lastMultiOutlet.get(story.day) ?? -1) + 0.5);
  return byScore.map((story, index) => ({ story, at: place(story, index) }))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.story);
}
