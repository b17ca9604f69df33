// The search index in shards, so that a build after a few new stories re-indexes only the part of search that changed:
// Pagefind cannot update an index, but it can search several in one go (mergeIndex). Each shard is its own Pagefind
// index in pagefind/<shard>/; the build manifest records each shard's pages and their hashes, and an incremental build
// indexes only the shards one of whose pages changed, came or went (build-site.ts).
//
// The key: a story page belongs to the ISO week (Monday to Sunday, UTC days) of the day it was first reported, a topic
// page to the one topic shard. Why a week and not a month: bench/build's store (5,000 stories over 30 days, the site's
// scale model) would put nearly every story into the current month, so re-indexing "the newest month" would re-index the
// whole site; a week holds about 1,200 of them. A story's first day never moves forward (an article joining later is
// later), so a page stays in its shard for life and new stories land in the newest week; only an article dated earlier
// than the story's first one (a late-arriving feed) moves a story back, and then both weeks are re-indexed. The cost
// is paid in the browser: a search fetches each shard's small entry and metadata files once, then one index chunk per
// word per shard (about 4.3 shards per month of stories, plus the topics).
// One function per file, as format.ts does: date-fns's index loads the whole library.
import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import { parseISO } from 'date-fns/parseISO';
import type { SiteData } from './data.ts';
import { pageFiles } from './page-plan.ts';

/** The folder of the site that holds the shards, each in pagefind/<shard>/. */
export const searchFolder = 'pagefind';

/**
 * The shard of the topic pages. The first shard of the list (searchShards) is the primary bundle: the one whose Pagefind
 * script, UI and WebAssembly the search page loads; the other shards keep only their index files (about 600 KB less
 * each).
 */
export const topicShard = 'topics';

/**
 * The shard of a story first reported on day (YYYY-MM-DD, UTC): "stories-<ISO week-numbering year>-W<week>", e.g. a story
 * of 2026-11-30 → "stories-2026-W49". ISO 8601 weeks (date-fns), so the days around New Year fall in one week.
 */
export function storyShard(day: string): string {
  // parseISO reads a date without a time as local midnight, and getISOWeek reads it back in local time: the same
  // calendar day in any time zone.
  const date = parseISO(day);
  return `stories-${getISOWeekYear(date)}-W${String(getISOWeek(date)).padStart(2, '0')}`;
}

/**
 * Every shard of the site's search index → the page files it indexes (relative to the site's root, as page-plan.ts
 * names them, sorted): the topic shard first (the first page of each topic, the one with data-pagefind-body), then the
 * story shards newest first (each live story's page; redirects are not searched). Shards without pages are left out,
 * but the list is never empty: a site with nothing to search still gets the topic shard, empty, for the search page's
 * scripts. Only pages listed here are indexed, so a page without data-pagefind-body never pulls its whole text in.
 */
export function searchShards(data: SiteData): Map<string, string[]> {
  const shards = new Map<string, string[]>();
  if (data.topics.length > 0) shards.set(topicShard, data.topics.map((topic) => pageFiles.topic(topic.slug)).sort());
  const storyShards = new Map<string, string[]>();
  for (const story of data.stories) {
    const shard = storyShard(story.day);
    const files = storyShards.get(shard) ?? [];
    files.push(pageFiles.story(story.id));
    storyShards.set(shard, files);
  }
  // "stories-2026-W09" sorts before "stories-2026-W10" and years sort alike: names sort as the weeks do.
  for (const shard of [...storyShards.keys()].sort().reverse()) shards.set(shard, storyShards.get(shard)!.sort());
  if (shards.size === 0) shards.set(topicShard, []);
  return shards;
}
