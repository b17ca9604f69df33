// Keeping the live site's files on a second thread (src/site/keep-thread.ts), on real folders: the files arrive as hard
// links, a file already in the fresh folder is left alone, an error comes back with its code, and once stop() resolves
// nothing more is written, not even by done().
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepFilesBeside } from '../../src/site/keep-thread.ts';
import { tempFolder } from '../helpers.ts';
import { filesUnder } from '../demo-site.ts';

/** A live site of `count` story pages (stories/<n>/index.html) and a fresh folder beside it. */
function sites(count: number): { live: string; fresh: string; files: string[] } {
  const folder = tempFolder();
  const live = join(folder, 'live');
  const fresh = join(folder, 'fresh');
  const files = Array.from({ length: count }, (_, index) => `stories/${index}/index.html`);
  for (const file of files) {
    mkdirSync(join(live, file, '..'), { recursive: true });
    writeFileSync(join(live, file), `page ${file}`);
  }
  mkdirSync(fresh);
  return { live, fresh, files };
}

describe('keepFilesBeside', () => {
  it('links every file into the fresh folder, leaving one already there as it is', async () => {
    const { live, fresh, files } = sites(50);
    mkdirSync(join(fresh, 'stories/3'), { recursive: true });
    writeFileSync(join(fresh, 'stories/3/index.html'), 'rendered by this build');

    expect(await keepFilesBeside(live, fresh, files).done()).toBe(49);
    expect(filesUnder(fresh, () => true).sort()).toEqual([...files].sort());
    for (const file of files.filter((name) => name !== 'stories/3/index.html')) {
      expect(statSync(join(fresh, file)).ino).toBe(statSync(join(live, file)).ino);
    }
    expect(readFileSync(join(fresh, 'stories/3/index.html'), 'utf8')).toBe('rendered by this build');
  });

  it('rejects with the error and its code when a file cannot be kept', async () => {
    const { live, fresh, files } = sites(5);
    // A file where a folder has to go: the link below it fails with ENOTDIR.
    writeFileSync(join(fresh, 'stories'), 'in the way');
    await expect(keepFilesBeside(live, fresh, files).done()).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('writes nothing more once stop() has resolved', async () => {
    const { live, fresh, files } = sites(1000);
    const keeping = keepFilesBeside(live, fresh, files);
    await keeping.stop();
    const stopped = filesUnder(fresh, () => true).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(filesUnder(fresh, () => true).length).toBe(stopped);
    // Stopped part way, or before it began: fewer files than asked for, and done() does not go on with them.
    expect(stopped).toBeLessThan(files.length);
    await expect(keeping.done()).rejects.toThrow('stopped');
    expect(filesUnder(fresh, () => true).length).toBe(stopped);
  });
});
