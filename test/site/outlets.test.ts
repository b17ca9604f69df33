// Outlet names as readers know them, from channel titles seen in real feeds, and one outlet across its feeds.
import { describe, expect, it } from 'vitest';
import { cleanOutletName, outletDisplayNames, outletOf } from '../../src/site/outlets.ts';
import { registrableDomain } from '../../src/model/domain.ts';

describe('cleanOutletName', () => {
  it.each([
    ['CNN.com - RSS Channel - App International Edition', 'cnn.com', 'CNN'],
    ['Articles | Mail Online', 'dailymail.co.uk', 'Mail Online'],
    ['NYT > U.S. News', 'nytimes.com', 'NYT'],
    ['NYT > Top Stories', 'nytimes.com', 'NYT'],
    ['FOX News', 'foxnews.com', 'FOX News'],
    ['Fox News', 'foxnews.com', 'Fox News'],
    ['BBC News - World', 'bbc.co.uk', 'BBC News'],
    ['World news | The Guardian', 'theguardian.com', 'The Guardian'],
    ['Technology | The Guardian', 'theguardian.com', 'The Guardian'],
    ['Ars Technica - All content', 'arstechnica.com', 'Ars Technica'],
    ['The Verge', 'theverge.com', 'The Verge'],
    ['TechCrunch', 'techcrunch.com', 'TechCrunch'],
    ['Hacker News: Front Page', 'ycombinator.com', 'Hacker News'],
    ['NPR Topics: News', 'npr.org', 'NPR'],
    ['Wired RSS Feed', 'wired.com', 'Wired'],
    ['Reuters: Top News', 'reuters.com', 'Reuters'],
    ['Al Jazeera – Breaking News, World News and Video from Al Jazeera', 'aljazeera.com', 'Al Jazeera'],
    ['Latest news | Sky News', 'sky.com', 'Sky News'],
    ['Science News | Phys.org', 'phys.org', 'Phys'],
    ['Meridian Wire: Top stories', 'meridian-wire.example', 'Meridian Wire'],
    ['The Orbital Post', 'orbital-post.example', 'The Orbital Post'],
    ['Slashdot', null, 'Slashdot'],
    ['Top stories - Google News', 'google.com', 'Google News'],
  ])('%s (%s) → %s', (title, domain, expected) => {
    expect(cleanOutletName(title, domain)).toBe(expected);
  });

  it('gives nothing for a title that only names the feed', () => {
    expect(cleanOutletName('RSS Feed', 'example.com')).toBe('');
  });
});

describe('outletOf', () => {
  it('keys an outlet by its site’s registrable domain, so its feeds count once', () => {
    const news = outletOf('FOX News', 'https://www.foxnews.com/', 'https://moxie.foxnews.com/google-publisher/latest.xml');
    const video = outletOf('Fox News', 'https://video.foxnews.com/', 'https://feeds.example-cdn.net/fox/video.xml');
    expect(news.key).toBe('foxnews.com');
    expect(video.key).toBe(news.key);
    expect(outletDisplayNames([news, video]).get('foxnews.com')).toBe('FOX News');
  });

  it('uses the feed’s address when the feed names no site, and the host when there is no title', () => {
    expect(outletOf(null, null, 'https://rss.nytimes.com/services/xml/rss/nyt/US.xml')).toEqual({ key: 'nytimes.com', name: 'nytimes.com' });
  });

  it('keys feeds on an IP address (the demo’s loopback server) by name', () => {
    expect(outletOf('Stratum Daily', 'http://127.0.0.1:4000/', 'http://127.0.0.1:4000/feed.atom')).toEqual({ key: 'name:stratum daily', name: 'Stratum Daily' });
    expect(registrableDomain('http://127.0.0.1:4000/')).toBeNull();
  });

  it('keeps two blogs on one hosting service apart', () => {
    expect(registrableDomain('https://alice.github.io/feed.xml')).not.toBe(registrableDomain('https://bob.github.io/feed.xml'));
  });
});
