// Seed topics from content/topics.json (src/cluster/topics/topics.ts readTopicSeeds), read from real files: a slug is a
// folder of the site, so one that is not already a clean slug ("../x", "a/b", "") is refused in one line, naming the
// file and the topic, before any page could be written where another page lives.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTopicSeeds } from '../../src/cluster/topics/topics.ts';
import { tempFolder } from '../helpers.ts';

function seedsFile(topics: unknown): string {
  const file = join(tempFolder(), 'topics.json');
  writeFileSync(file, JSON.stringify(topics));
  return file;
}

describe('readTopicSeeds', () => {
  it('takes a clean slug as it is and makes one from the name when there is none (or it is null)', () => {
    const file = seedsFile([{ name: 'Chips & hardware', keywords: ['chip'] }, { name: 'AI', slug: 'machine-learning', keywords: ['AI'] },
      { name: 'Earth science', slug: null, keywords: ['quake'] }]);
    expect(readTopicSeeds(file).map((seed) => seed.slug)).toEqual(['chips-hardware', 'machine-learning', 'earth-science']);
  });

  it('suggests a slug made from the name when the slug given is no text', () => {
    const file = seedsFile([{ name: 'Deep space', slug: 7, keywords: ['space'] }]);
    expect(() => readTopicSeeds(file)).toThrow('(such as "deep-space")');
  });

  it.each(['../outside', 'a/b', '', 'Upper', 'two--hyphens', '-edge', 'space here', 7, false])('refuses the slug %j in one line', (slug) => {
    const file = seedsFile([{ name: 'Fine', keywords: ['fine'] }, { name: 'Space', slug, keywords: ['space'] }]);
    expect(() => readTopicSeeds(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: topic 2: slug .* must be lower-case letters, digits and single hyphens \\(such as "[a-z0-9-]+"\\), or left out$`));
  });

  it('reads the project\'s own topics', () => {
    expect(readTopicSeeds(join(import.meta.dirname, '../../content/topics.json')).length).toBeGreaterThan(0);
  });
});
