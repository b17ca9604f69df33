// Named topics: seeds from content/topics.json gather the stories whose words match their keywords, and feed
// categories that several feeds share become topics of their own. Slugs come from names, so URLs and feeds stay put
// while membership drifts. (Discovered topics: topic-stage.ts.)
import { readFileSync, existsSync } from 'node:fs';

export interface TopicSeed {
  name: string;
  slug: string;
  description: string;
  keywords: string[];
}

/**
 * The seed topics in `file` (content/topics.json: a list of { name, keywords, slug?, description? }); none when the
 * file is missing. Throws "<file>: …" for a list or topic of the wrong shape, and for a slug slugify would change.
 */
export function readTopicSeeds(file: string): TopicSeed[] {
  if (!existsSync(file)) return [];
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a list of topics`);
  return raw.map((entry, index) => {
    const seed = entry as Partial<TopicSeed>;
    if (typeof seed.name !== 'string' || !Array.isArray(seed.keywords)) throw new Error(`${file}: topic ${index + 1} needs a name and keywords`);
    // A slug is a folder of the site and a part of its URLs: "../x", "a/b" or "" would name another page's file.
    // A null slug is left out, as it always was.
    if (seed.slug != null && (typeof seed.slug !== 'string' || seed.slug !== slugify(seed.slug))) {
      const example = slugify(typeof seed.slug === 'string' ? seed.slug : seed.name);
      throw new Error(`${file}: topic ${index + 1}: slug ${JSON.stringify(seed.slug)} must be lower-case letters, digits and single hyphens (such as "${example}"), or left out`);
    }
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

export interface CategorySource {
  articles: readonly { feedId: number; categories: readonly string[] }[];
}

/**
 * Feed categories worth a topic: used by at least two feeds (one feed's house tags are its own business) on at least
 * `minStories` of the stories, and on no more than `maxShare` of them ("News", "Featured" describe everything).
 */
export function categoryTopics(stories: readonly CategorySource[], minStories: number, maxShare = 0.25): { name: string; slug: string }[] {
  const byKey = new Map<string, { stories: number; feeds: Set<number>; names: Map<string, number> }>();
  for (const story of stories) {
    const seen = new Set<string>();
    for (const article of story.articles) {
      for (const raw of article.categories) {
        const name = raw.trim().replace(/\s+/g, ' ');
        const key = name.toLowerCase();
        if (!key || key.length > 40) continue;
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { stories: 0, feeds: new Set(), names: new Map() }));
        entry.feeds.add(article.feedId);
        entry.names.set(name, (entry.names.get(name) ?? 0) + 1);
        if (!seen.has(key)) {
          seen.add(key);
          entry.stories++;
        }
      }
    }
  }
  return [...byKey.values()]
    .filter((entry) => entry.stories >= minStories && entry.feeds.size >= 2 && entry.stories <= maxShare * stories.length)
    .map((entry) => {
      const name = [...entry.names].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
      return { name, slug: slugify(name) };
    })
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * True when a feed category names a seed's subject: the seed's name or one of its parts ("Chips" of "Chips &
 * hardware"), or one of its keywords, compared without case. Such a category would be a second topic for one subject.
 */
export function categoryOfSeed(category: string, seeds: readonly TopicSeed[]): boolean {
  const key = category.trim().toLowerCase();
  return seeds.some((seed) => {
    const parts = seed.name.toLowerCase().split(/\s*(?:&|,|\/|\band\b)\s*/).map((part) => part.trim()).filter(Boolean);
    return seed.slug === slugify(category) || seed.name.toLowerCase() === key || parts.includes(key)
      || seed.keywords.some((keyword) => keyword.toLowerCase() === key);
  });
}
