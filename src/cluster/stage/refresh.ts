// A story's row refreshed from its members: lead, title, front-page score, dates and counts.
import type { Store } from '../../store/store.ts';
import type { Article } from '../../store/articles.ts';
import { updateStory } from '../../store/stories.ts';
import { chooseLead, storyScore } from '../stories/lead.ts';

/**
 * Writes the story's lead (stories/lead.ts chooseLead, by `vectors`: embeddings by content hash), title, score as of
 * `now`, first and last dates and counts. `articles` are all its members, oldest first, at least one.
 */
export async function refreshStory(store: Store, storyId: string, articles: readonly Article[], vectors: Map<string, Float32Array>, now: Date): Promise<void> {
  const lead = chooseLead(articles, vectors);
  await updateStory(store, {
    id: storyId,
    title: lead.title,
    leadArticleId: lead.id,
    score: storyScore(articles, now.getTime()),
    firstPublishedAt: articles[0]!.publishedAt,
    lastPublishedAt: articles.at(-1)!.publishedAt,
    articleCount: articles.length,
    sourceCount: new Set(articles.map((article) => article.source)).size,
  }, now.toISOString());
}
