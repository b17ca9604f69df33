// `wirefold serve` sends each file of a built site with its content type, OPML included (Astro's preview has no
// entry for it and sent none).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../helpers.ts';
import { serveSite } from '../demo-site.ts';
import type { RunningServer } from '../demo-site.ts';

describe('wirefold serve', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it('sends topics.opml as text/x-opml, and other files as before', async () => {
    const folder = tempFolder();
    const dist = join(folder, 'dist');
    mkdirSync(join(dist, 'images'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dist, 'topics.opml'), '<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>');
    writeFileSync(join(dist, 'rss.xml'), '<?xml version="1.0"?><rss version="2.0"><channel/></rss>');
    server = await serveSite({ folder, db: join(folder, 'none.db'), dist, siteUrl: 'http://localhost:4321', base: '/' });
    const opml = await fetch(new URL('/topics.opml', server.url));
    expect(opml.status).toBe(200);
    expect(opml.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    expect(await opml.text()).toContain('<opml');
    expect((await fetch(new URL('/rss.xml', server.url))).headers.get('content-type')).toMatch(/xml/);
    expect((await fetch(new URL('/', server.url))).headers.get('content-type')).toMatch(/^text\/html/);
  });
});
