// A topic: a lasting subject (seeded, a feed category or discovered) that stories join.

export type TopicOrigin = 'seed' | 'category' | 'discovered';

export interface TopicRecord {
  id: number;
  slug: string;
  label: string;
  description: string;
  keywords: string[];
  origin: TopicOrigin;
  /** How many stories the label was drawn from (discovered topics); 0 for named ones. */
  labelledStories: number;
}

export interface StoryText {
  storyId: string;
  articleId: number;
  title: string;
  summary: string;
  categories: string[];
  contentHash: string;
  feedId: number;
}

export interface StoredTopicProfile {
  topicId: number;
  vectorSum: Float32Array;
  termSums: Map<string, number>;
  stories: number;
}

export interface TopicStoryLink {
  topicId: number;
  storyId: string;
  addedAt: string;
}
