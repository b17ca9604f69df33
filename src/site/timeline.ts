// A story's coverage in time order, with the moments a reader wants to find: the first report, and each later
// development (coverage that resumed after a quiet spell).

/** Hours without new coverage after which the next article counts as an update: a burst of reports within a few
 * hours is outlets catching up on the same news; coverage after a pause usually brings something new. */
export const updateAfterQuietHours = 3;

export type TimelineMark = 'first report' | 'update';

export interface TimelineEntry<A> {
  article: A;
  mark: TimelineMark | null;
}

/** Every article oldest first, the first marked "first report" and each one after a quiet spell marked "update". */
export function storyTimeline<A extends { publishedAt: string }>(articles: readonly A[], quietHours = updateAfterQuietHours): TimelineEntry<A>[] {
  const ordered = [...articles].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
  return ordered.map((article, index) => {
    if (index === 0) return { article, mark: 'first report' };
    const quietMs = Date.parse(article.publishedAt) - Date.parse(ordered[index - 1]!.publishedAt);
    return { article, mark: quietMs >= quietHours * 3600_000 ? 'update' : null };
  });
}
