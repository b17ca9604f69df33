// A story: the articles of several outlets about one event, its lead, profile and related stories.

export interface StoryRecord {
  id: string;
  title: string;
  leadArticleId: number | null;
  score: number;
  firstPublishedAt: string;
  lastPublishedAt: string;
  articleCount: number;
  sourceCount: number;
}

export interface StoryMember {
  storyId: string;
  articleId: number;
  feedId: number;
  contentHash: string;
  title: string;
  summary: string;
  publishedAt: string;
}

export interface StoryProfile {
  id: string;
  /** Sum of the members' vectors: its direction is the centroid. */
  sum: Float32Array;
  /** How many articles the sum holds. */
  size: number;
  /** Unit-length TF-IDF vector of the members' words. */
  words: Map<string, number>;
  /** The words' share in the blend for this story. */
  wordWeight: number;
}

export interface LiveStoryRow {
  id: string;
  title: string;
  score: number;
  leadArticleId: number | null;
  firstPublishedAt: string;
  lastPublishedAt: string;
  sourceCount: number;
}

export interface MergedStoryRow {
  id: string;
  mergedInto: string;
  title: string;
}
