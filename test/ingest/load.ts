// Test helper: reads a fixture's bytes and parses them the way the fetcher would hand them over.
import { readFileSync } from 'node:fs';
import { parseFeed } from '../../src/ingest/parse.ts';
import type { ParsedFeed, ParseOptions } from '../../src/ingest/types.ts';

export const NOW = new Date('2026-11-20T12:00:00Z');
export const FEED_URL = 'https://feeds.example.com/path/feed.xml';

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

export function parseFixture(name: string, options: Partial<ParseOptions> = {}): ParsedFeed {
  return parseFeed(fixture(name), { url: FEED_URL, now: NOW, ...options });
}

export function itemByGuid(feed: ParsedFeed, guid: string) {
  const item = feed.items.find((candidate) => candidate.guid === guid);
  if (!item) throw new Error(`no item with guid ${guid}; have ${feed.items.map((i) => i.guid).join(', ')}`);
  return item;
}
