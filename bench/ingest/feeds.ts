// Deterministic synthetic feeds for the ingest benchmark: RSS 2.0 and Atom with the things real feeds carry (HTML
// descriptions with entities, links and images, full content on some, utm-tagged links, categories, authors, media
// thumbnails, a few wire-copy items shared between outlets). Same index in, same bytes out.

/** mulberry32: small, fast and good enough to vary text deterministically. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-feed response latency: 20–100 ms, fixed for a feed so both runs see the same server. */
export function latencyMs(feed: number): number {
  return 20 + Math.floor(random(feed * 7919 + 17)() * 81);
}

const SUBJECTS = ['Researchers', 'Engineers', 'Regulators', 'Astronomers', 'Open-source maintainers', 'Chipmakers',
  'Security teams', 'Climate scientists', 'Startups', 'Browser vendors', 'Cloud providers', 'NASA', 'ESA', 'Biologists'];
const VERBS = ['unveil', 'test', 'delay', 'patch', 'report', 'launch', 'warn about', 'debate', 'measure', 'ship',
  'open-source', 'revise', 'map', 'benchmark'];
const OBJECTS = ['a faster TLS stack', 'the Artemis heat shield', 'quantum error correction', 'a kernel scheduler',
  'Rust in the driver tree', 'a new exoplanet', 'battery recycling', 'an AI safety framework', 'a zero-day in routers',
  'WebAssembly GC', 'gravitational waves', 'a CRISPR therapy', 'the HTTP/3 rollout', 'satellite broadband', 'a 2 nm node'];
const WORDS = ('the of and to in a is that for on with as by at from this be which or are an was it has its new data ' +
  'system model team study results says report version release support users network energy space mission ' +
  'security update performance research million percent according company early test early launch analysis').split(' ');
const TAGS = ['Science', 'Security', 'Space', 'AI', 'Open Source', 'Hardware', 'Cloud', 'Policy', 'Climate', 'Web'];
const AUTHORS = ['Ada Park', 'Bruno Díaz', 'Chen Wei', 'Dana O’Neil', 'Emeka Obi', 'Freya Lund', 'Gita Rao'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Every 40th item repeats an item of another feed word for word (wire copy), as outlets often do. */
const WIRE_EVERY = 40;

/** How many wire items repeat one carried earlier by another feed (every carrier after the first of each story). */
export function wireCopies(feeds: number, items: number): number {
  const carriers = new Map<number, number>();
  for (let feed = 0; feed < feeds; feed++) {
    for (let item = 0; item < items; item++) {
      if (item % WIRE_EVERY === feed % WIRE_EVERY) carriers.set(item, (carriers.get(item) ?? 0) + 1);
    }
  }
  return [...carriers.values()].reduce((sum, count) => sum + count - 1, 0);
}
const BASE_TIME = Date.UTC(2025, 4, 1, 12, 0, 0);

export interface FeedSpec {
  format: 'rss' | 'atom';
  body: string;
}

interface ItemText {
  title: string;
  html: string;
}

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let index = 0; index < words; index++) out.push(pick(next, WORDS));
  const text = out.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + '.';
}

function itemText(next: () => number, site: string, slug: string, full: boolean): ItemText {
  const title = `${pick(next, SUBJECTS)} ${pick(next, VERBS)} ${pick(next, OBJECTS)} &amp; ${sentence(next, 3).slice(0, -1).toLowerCase()}`;
  const paragraphs: string[] = [];
  const count = full ? 5 + Math.floor(next() * 6) : 1 + Math.floor(next() * 2);
  for (let index = 0; index < count; index++) {
    let paragraph = `${sentence(next, 12 + Math.floor(next() * 20))} ${sentence(next, 8 + Math.floor(next() * 14))}`;
    if (next() < 0.5) paragraph += ` <a href="/${slug}/related-${index}?utm_source=feed&amp;utm_medium=rss">Read more &raquo;</a>`;
    if (next() < 0.3) paragraph = `<strong>${pick(next, TAGS)}:</strong> ${paragraph} &#8220;Quoted&#8221; &mdash; ${pick(next, AUTHORS)}`;
    paragraphs.push(`<p>${paragraph}</p>`);
  }
  if (next() < 0.3) paragraphs.splice(1, 0, `<p><img src="https://cdn.${site}/img/${slug}.jpg" width="640" height="360" alt="Figure"></p>`);
  if (next() < 0.1) paragraphs.push('<script>trackView()</script><img src="https://pixel.example/1.gif" width="1" height="1">');
  if (full && next() < 0.5) paragraphs.push(`<ul><li>${sentence(next, 6)}</li><li>${sentence(next, 7)}</li></ul>`);
  return { title, html: paragraphs.join('\n') };
}

const cdata = (html: string) => `<![CDATA[${html.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

function rfc822(time: number): string {
  const date = new Date(time);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Feed number `index`, with `items` items. Feeds are 70 % RSS 2.0 and 30 % Atom; a third carry full content. */
export function generateFeed(index: number, items: number): FeedSpec {
  const next = random(index * 2654435761 + 1);
  const site = `outlet${index}.example`;
  const format = next() < 0.7 ? 'rss' : 'atom';
  const full = next() < 0.33;
  // One RSS feed in twenty leaves the '&' in its links unescaped, as some publishers do (recovered by the parser).
  const amp = next() < 0.05 ? '&' : '&amp;';
  const entries: string[] = [];
  for (let item = 0; item < items; item++) {
    const slug = `${2025}/${String((item % 12) + 1).padStart(2, '0')}/story-${index}-${item}`;
    const link = `https://www.${site}/${slug}?utm_source=rss&utm_medium=feed&utm_campaign=${index % 7 === 0 ? 'wire' : 'main'}`;
    // Wire copy: the same words as an item of another feed, under this outlet's own URL and guid.
    // Feeds whose index agrees modulo WIRE_EVERY carry the same wire story at the same position.
    const wire = item % WIRE_EVERY === index % WIRE_EVERY;
    const text = wire
      ? itemText(random(900_001 + item), 'wire.example', `wire-${item}`, false)
      : itemText(next, site, slug, full);
    const published = BASE_TIME - (index * 97 + item * 3600) * 1000;
    const tags = [pick(next, TAGS), pick(next, TAGS)];
    const author = pick(next, AUTHORS);
    if (format === 'rss') {
      const permalink = next() < 0.4;
      entries.push(`<item>
  <title>${text.title}</title>
  <link>${link.replaceAll('&', amp)}</link>
  <guid isPermaLink="${permalink}">${permalink ? link.replaceAll('&', amp) : `urn:${site}:${item}`}</guid>
  <pubDate>${rfc822(published)}</pubDate>
  <dc:creator>${author}</dc:creator>
  ${tags.map((tag) => `<category>${tag}</category>`).join('')}
  <description>${cdata(full ? text.html.split('\n')[0]! : text.html)}</description>
  ${full ? `<content:encoded>${cdata(text.html)}</content:encoded>` : ''}
  ${next() < 0.4 ? `<media:thumbnail url="https://cdn.${site}/thumb/${item}.jpg" width="300" height="200"/>` : ''}
</item>`);
    } else {
      const escaped = text.html.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
      entries.push(`<entry>
  <title type="html">${text.title.replaceAll('&', '&amp;')}</title>
  <link rel="alternate" type="text/html" href="${link.replaceAll('&', '&amp;')}"/>
  <id>tag:${site},2025:${item}</id>
  <published>${new Date(published).toISOString()}</published>
  <updated>${new Date(published + 600_000).toISOString()}</updated>
  <author><name>${author}</name></author>
  ${tags.map((tag) => `<category term="${tag}"/>`).join('')}
  <summary type="html">${full ? text.html.split('\n')[0]!.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;') : escaped}</summary>
  ${full ? `<content type="html">${escaped}</content>` : ''}
</entry>`);
    }
  }
  const body = format === 'rss'
    ? `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Outlet ${index} &amp; Friends</title>
<link>https://www.${site}/</link>
<description>News from outlet ${index}</description>
<language>en</language>
<lastBuildDate>${rfc822(BASE_TIME)}</lastBuildDate>
${entries.join('\n')}
</channel>
</rss>
`
    : `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Outlet ${index} Journal</title>
<link rel="alternate" href="https://www.${site}/"/>
<link rel="self" href="https://www.${site}/feed.atom"/>
<id>tag:${site},2025:feed</id>
<updated>${new Date(BASE_TIME).toISOString()}</updated>
${entries.join('\n')}
</feed>
`;
  return { format, body };
}
