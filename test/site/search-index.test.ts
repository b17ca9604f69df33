// src/site/search-index.ts on real Pagefind: the shards are written, and the Pagefind process the build started is
// gone (exited and reaped) by the time writeSearchShards returns, so no orphan outlives a build and its CPU time counts
// in the build's own (/usr/bin/time and bench/build see a child only once it is reaped).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSearchShards } from '../../src/site/search-index.ts';
import { childProcesses } from '../../src/processes.ts';
import { tempFolder } from '../helpers.ts';

const page = (title: string) => `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main data-pagefind-body><h1>${title}</h1><p>${title} was reported by three outlets.</p></main></body></html>`;

describe('writeSearchShards', () => {
  it('writes every shard and leaves no Pagefind process behind', async () => {
    const site = tempFolder();
    for (const [file, title] of [['stories/a/index.html', 'Cable cut'], ['stories/b/index.html', 'Comet seen']] as const) {
      mkdirSync(join(site, file, '..'), { recursive: true });
      writeFileSync(join(site, file), page(title));
    }
    const shards = new Map([['topics', ['stories/a/index.html']], ['2026-w48', ['stories/b/index.html']]]);
    await writeSearchShards(site, shards, new Set(shards.keys()));
    expect(existsSync(join(site, 'pagefind/topics/pagefind-entry.json'))).toBe(true);
    expect(existsSync(join(site, 'pagefind/2026-w48/pagefind-entry.json'))).toBe(true);
    // Any child: a defunct one has no command line left to name it by.
    expect(childProcesses(process.pid)).toEqual([]);
  });
});
