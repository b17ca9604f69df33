// Topic grouping: seeded topics (content/topics.json) gather the stories whose words match their keywords, and feed
// categories add their own topics. Slugs come from names, so URLs and feeds stay put while membership drifts.
import { readFileSync, existsSync } from 'node:fs';

export interface TopicSeed {
  name: string;
  slug: string;
  description: string;
  keywords: string[];
}

export function readTopicSeeds(file: string): TopicSeed[] {
  if (!existsSync(file)) return [];
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a list of topics`);
  return raw.map((entry, index) => {
    const seed = entry as Partial<TopicSeed>;
    if (typeof seed.name !== 'string' || !Array.isArray(seed.keywords)) throw new Error(`${file}: topic ${index + 1} needs a name and keywords`);
    return { name: seed.name, slug: seed.slug ?? slugify(seed.name), description: seed.description ?? '', keywords: seed.keywords.map(String) };
  });
}

export function slugify(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'topic';
}

/** How strongly a story's text matches a topic: the share of its articles that name at least one keyword. */
export function keywordWeight(texts: readonly string[], keywords: readonly string[]): number {
  if (texts.length === 0 || keywords.length === 0) return 0;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])(${keywords.map(escapeRegExp).join('|')})($|[^\\p{L}\\p{N}])`, 'iu');
  return texts.filter((text) => pattern.test(text)).length / texts.length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
