// Related stories for the sidebar: the nearest other stories by centroid, never the story itself.
import { dot } from './vectors.ts';

export interface StoryVector {
  id: string;
  /** Unit-length centroid. */
  centroid: Float32Array;
}

export function relatedStories(stories: readonly StoryVector[], minimum: number, limit = 5): Map<string, { id: string; similarity: number }[]> {
  const related = new Map<string, { id: string; similarity: number }[]>();
  for (const story of stories) {
    const scored: { id: string; similarity: number }[] = [];
    for (const other of stories) {
      if (other.id === story.id) continue;
      const similarity = dot(story.centroid, other.centroid);
      if (similarity >= minimum) scored.push({ id: other.id, similarity });
    }
    scored.sort((a, b) => b.similarity - a.similarity);
    related.set(story.id, scored.slice(0, limit));
  }
  return related;
}
