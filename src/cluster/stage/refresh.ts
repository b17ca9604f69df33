// Stories' rows refreshed from their members: lead, title, front-page score, dates and counts.
import type { Store } from '../../store/store.ts';
import type { Article } from '../../store/articles.ts';
import { updateStories } from '../../store/stories.ts';
import type { StoryRecord } from '../../store/stories.ts';
import { chooseLead, storyScore } from '../stories/lead.ts';

/**
 * Writes each story's lead (stories/lead.ts chooseLead, by `vectors`: embeddings by content hash), title, score as of
 * `now`, first and last dates and counts, in a few statements (updateStories). `stories`: story id → all its members,
 * oldest first, at least one.
 */
export async function refreshStories(store: Store, stories: Iterable<[string, readonly Article[]]>, vectors: Map<string, Float32Array>, now: Date): Promise<void> {
  const records: StoryRecord[] = [];
  for (const [storyId, articles] of stories) {
    const lead = chooseLead(articles, vectors);
    records.push({
      id: storyId,
      title: lead.title,
      leadArticleId: lead.id,
      score: storyScore(articles, now.getTime()),
      firstPublishedAt: articles[0]!.publishedAt,
      lastPublishedAt: articles.at(-1)!.publishedAt,
      articleCount: articles.length,
      sourceCount: new Set(articles.map((article) => article.source)).size,
    });
  }
  await updateStories(store, records, now.toISOString());
}
