// Story clustering through the real store, model and cluster stage: look-alike events stay apart, one event told by
// several outlets becomes one story, story ids survive later runs, and a merged story's row leads to the survivor.
import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { createEmbedder } from '../../src/embed/transformers-embedder.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { evaluateClustering } from '../../src/eval/evaluate.ts';
import type { LabelledArticle } from '../../src/eval/evaluate.ts';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { embedArticles } from '../../src/embed/embed-stage.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import { liveStoryIds, mergeStories, relatedOf, saveMemberships, storiesByGuid, storyMembers } from '../../src/store/stories.ts';
import { feedTermCounts } from '../../src/cluster/text/lexical.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

// Written for this test: two earthquakes on one day, two outages on one day, each told by four outlets.
const events: Record<string, [string, string][]> = {
  chileQuake: [
    ['Magnitude 6.8 earthquake strikes near Valparaíso, Chile', 'The quake hit 40 km off the coast of Valparaíso at dawn; Chile’s emergency office reported damaged roads and no tsunami.'],
    ['Strong quake shakes central Chile, Valparaíso roads damaged', 'Chilean authorities said the 6.8 tremor off Valparaíso cracked highways and cut power to 80,000 homes.'],
    ['Chile earthquake: 6.8 tremor off Valparaíso cuts power', 'Power was cut to tens of thousands of homes in Valparaíso after the magnitude 6.8 quake; Chile ruled out a tsunami.'],
    ['Valparaíso residents flee to hills after 6.8 Chile quake', 'Residents of Valparaíso, Chile, spent the morning on higher ground after the quake damaged roads near the port.'],
  ],
  japanQuake: [
    ['Magnitude 6.5 earthquake hits Hokkaido, Japan', 'The quake struck near Kushiro in eastern Hokkaido; Japan’s meteorological agency issued a brief tsunami advisory.'],
    ['Hokkaido quake halts trains, Japan issues tsunami advisory', 'JR Hokkaido suspended trains around Kushiro after the 6.5 tremor while Japan warned of waves up to one metre.'],
    ['Japan: 6.5 tremor near Kushiro rattles eastern Hokkaido', 'Buildings swayed in Kushiro and Obihiro; the Japan Meteorological Agency lifted its tsunami advisory two hours later.'],
    ['Kushiro earthquake: Hokkaido nuclear plant reports no damage', 'Hokkaido Electric said the Tomari plant was unaffected by the magnitude 6.5 Kushiro quake in Japan.'],
  ],
  nimbusOutage: [
    ['Nimbus Cloud outage takes down thousands of websites', 'A failure in Nimbus Cloud’s us-east storage region knocked retailers, banks and streaming sites offline for four hours.'],
    ['Nimbus Cloud blames storage bug in us-east for four-hour outage', 'Nimbus Cloud said a faulty storage update in its us-east region caused the outage that broke thousands of websites.'],
    ['Websites go dark as Nimbus Cloud us-east region fails', 'Streaming services and online shops relying on Nimbus Cloud’s us-east region were unreachable for most of the morning.'],
    ['Nimbus Cloud restores us-east storage after outage', 'Nimbus Cloud engineers rolled back the storage update and restored service to its us-east customers by noon.'],
  ],
  harborOutage: [
    ['Harbor Trust bank app outage locks customers out of accounts', 'Customers of Harbor Trust could not log in to the mobile app or pay by card for most of Tuesday.'],
    ['Harbor Trust customers unable to pay after banking app fails', 'Card payments and transfers failed for Harbor Trust customers as the regional bank’s app went down.'],
    ['Harbor Trust apologises for day-long app and card outage', 'The regional bank Harbor Trust said a failed database migration stopped its app and card payments.'],
    ['Harbor Trust restores mobile banking after migration fault', 'Harbor Trust said mobile banking and card payments were back after a database migration fault.'],
  ],
};
const outlets = ['Wire One', 'Daily Ledger', 'Metro Post', 'Signal News'];
const start = Date.parse('2026-03-03T06:00:00Z');
const articles: LabelledArticle[] = Object.entries(events).flatMap(([label, told], event) =>
  told.map(([title, text], index) => ({
    id: `${label}-${index}`, title, text, label, source: outlets[index]!,
    published: new Date(start + (index * 4 + event) * 15 * 60_000).toISOString(),
  })));

// Two shootings on one day in two countries, the faults' own kind from real feeds (written for this test, places and
// people invented): the same words ("gunman", "shooting", "police"), names of their own.
const shootings: LabelledArticle[] = Object.entries({
  brnoShooting: [
    ['Gunman kills three at Brno shopping centre, Czech police say', 'Czech police said a gunman opened fire in a Brno shopping centre on Friday morning, killing three people before he was arrested.'],
    ['Three dead in Brno mall shooting; suspect detained', 'The suspect in the Brno shooting, a 34-year-old local man, was detained by Czech officers at the Vaňkovka centre.'],
    ['Czech Republic mourns victims of Brno shooting', 'Prime minister Jana Novotná laid flowers at the Brno shopping centre where three people were shot dead.'],
  ],
  tampereShooting: [
    ['Gunman opens fire at Tampere college, Finnish police say', 'Finnish police said a gunman shot two students at a Tampere vocational college on Friday before he was arrested.'],
    ['Two wounded in Tampere college shooting; suspect arrested', 'The suspect in the Tampere shooting, a 19-year-old former student, was arrested by Finnish police at the Hervanta campus.'],
    ['Finland shaken by Tampere college shooting', 'Interior minister Mikko Laine visited the Tampere college where two students were wounded by gunfire.'],
  ],
} as Record<string, [string, string][]>).flatMap(([label, told], event) =>
  told.map(([title, text], index) => ({
    id: `${label}-${index}`, title, text, label, source: outlets[(index + event) % outlets.length]!,
    published: new Date(start + (index * 2 + event) * 15 * 60_000).toISOString(),
  })));

let embedder: Embedder;
beforeAll(async () => {
  embedder = await createEmbedder();
});

describe('stories', () => {
  it('puts each outage in one story and keeps two look-alike outages on one day apart', async () => {
    const result = await evaluateClustering(articles.filter((article) => article.label.endsWith('Outage')), embedder);
    expect(result.goldClusters).toBe(2);
    expect(result.bcubed.precision).toBe(1);
    expect(result.bcubed.recall).toBe(1);
  });

  // Two quakes on one day written with the same words ("magnitude", "earthquake", "tsunami") score like one event to
  // the embedding (0.71 on the rescaled cosine). Here each outlet reports both, and the first Japan report comes from
  // the outlet that alone told the Chile story so far: one outlet's second item needs stronger evidence (the
  // one-outlet rule), so Japan gets a story of its own and its later reports follow their own names.
  it('keeps two earthquakes on one day apart when one outlet reports both first', async () => {
    const result = await evaluateClustering(articles.filter((article) => article.label.endsWith('Quake')), embedder);
    expect(result.bcubed.precision).toBe(1);
  });

  // When the first Japan report comes from an outlet the Chile story does not have yet, the one-outlet rule cannot help:
  // the rescaled cosine (0.71) is far above the threshold. What tells the quakes apart is their names: each report
  // names specifics (Valparaíso, Chile; Hokkaido, Kushiro, Japan) in more than a headline, and the two share none
  // (story-clusterer.ts disjointNamesCost). Once a known failure (`it.fails`), now asserted.
  it('keeps two earthquakes on one day apart whatever outlets report them', async () => {
    const quakes = articles.filter((article) => article.label.endsWith('Quake'))
      .map((article, index) => (article.label === 'japanQuake' ? { ...article, source: outlets[(index + 1) % outlets.length]! } : article));
    const result = await evaluateClustering(quakes, embedder);
    expect(result.bcubed.precision).toBe(1);
  });

  // Found by a newcomer: two quakes of the same magnitude share "6.8", a number the stream writes as a name, which hid
  // that their places are disjoint. Numbers are set aside when names decide two events (specifics.ts disjointNames).
  it('keeps two earthquakes of the same magnitude on one day apart', async () => {
    const quakes = articles.filter((article) => article.label.endsWith('Quake'))
      .map((article, index) => (article.label === 'japanQuake'
        ? { ...article, title: article.title.replaceAll('6.5', '6.8'), text: article.text.replaceAll('6.5', '6.8'), source: outlets[(index + 1) % outlets.length]! }
        : article));
    expect(quakes.filter((article) => `${article.title} ${article.text}`.includes('6.8'))).toHaveLength(8);
    const result = await evaluateClustering(quakes, embedder);
    expect(result.bcubed.precision).toBe(1);
    expect(result.bcubed.recall).toBe(1);
  });

  // The same rule on the faults' own kind: the two shootings' reports alternate between outlets, so no outlet tells
  // one story alone, and only their disjoint names (Brno, Czech; Tampere, Finnish) keep them apart.
  it('keeps two shootings on one day in two countries apart', async () => {
    const result = await evaluateClustering(shootings, embedder);
    expect(result.goldClusters).toBe(2);
    expect(result.bcubed.precision).toBe(1);
    expect(result.bcubed.recall).toBe(1);
  });

  it('keeps story ids across runs as stories grow', async () => {
    const store = await openStore(join(tempFolder(), 'stories.db'));
    const ordered = [...articles].sort((a, b) => a.published!.localeCompare(b.published!));
    await clusterRun(store, ordered.slice(0, 8));
    const first = await liveStoryIds(store);
    await clusterRun(store, ordered.slice(8));
    const second = new Set(await liveStoryIds(store));
    for (const id of first) expect(second.has(id) || redirectsTo(store, id) !== null).toBe(true);
    expect(second.size).toBeLessThanOrEqual(first.length + 2);
    await store.close();
  });

  // The similarity scale comes from the model's reference sample, not from the store: four articles about one event
  // are all a new site has on its first run, and scored against each other they would make "unrelated" look close.
  it('makes one story of one event on the first run of a new store', async () => {
    const store = await openStore(join(tempFolder(), 'first-run.db'));
    await clusterRun(store, articles.filter((article) => article.label === 'harborOutage'));
    expect(await liveStoryIds(store)).toHaveLength(1);
    await store.close();
  });

  // A run reads the stories it compares with through their stored profiles; a store written before profiles existed
  // (or by another model) has none, and its next run builds them from the members instead of missing those stories.
  it('builds missing story profiles from the members, and later articles still find their stories', async () => {
    const store = await openStore(join(tempFolder(), 'profiles.db'));
    const ordered = [...articles].sort((a, b) => a.published!.localeCompare(b.published!));
    const early = ordered.filter((article) => !article.id.endsWith('-3'));
    await clusterRun(store, early);
    const storyOf = await storiesByGuid(store);
    sqliteDb(store).exec('DELETE FROM story_profiles');
    await clusterRun(store, ordered.filter((article) => article.id.endsWith('-3')));
    const after = await storiesByGuid(store);
    for (const label of Object.keys(events)) expect(after.get(`${label}-3`)).toBe(storyOf.get(`${label}-0`));
    const profiled = sqliteDb(store).prepare('SELECT count(*) AS n FROM story_profiles').get() as { n: number };
    expect(profiled.n).toBe((await liveStoryIds(store)).length);

    // An article whose words change (a corrected headline) drops its story's profile, which held the old words and
    // vector; the next run builds it again from the members.
    const corrected = { ...ordered[0]!, title: `${ordered[0]!.title} (corrected)` };
    const story = after.get(corrected.id)!;
    const profiles = () => sqliteDb(store).prepare('SELECT count(*) AS n FROM story_profiles WHERE story_id = ?').get(story);
    await saveFeedItems(store, await upsertFeed(store, { url: `https://wire.example/${encodeURIComponent(corrected.source!)}` }), [asFeedItem(corrected)], corrected.published!);
    expect(profiles()).toEqual({ n: 0 });
    await clusterRun(store, [], corrected.published!);
    expect(profiles()).toEqual({ n: 1 });
    // Built from every member of that story, and only from its members.
    const size = sqliteDb(store).prepare('SELECT size FROM story_profiles WHERE story_id = ?').get(story) as { size: number };
    const members = sqliteDb(store).prepare('SELECT count(*) AS n FROM story_articles WHERE story_id = ?').get(story) as { n: number };
    expect(members.n).toBeGreaterThan(1);
    expect(size.size).toBe(members.n);
    // Its words weighed against the stream, not against its own few members: a word all of them use is its subject
    // and must weigh (over the members alone its IDF is log 1 = 0, and only stray words were left).
    const counts = [...feedTermCounts((await storyMembers(store, [story])).map((member) => ({ key: member.contentHash, feedId: member.feedId, title: member.title, summary: member.summary }))).values()];
    const shared = [...counts[0]!.counts.keys()].filter((term) => counts.every((article) => article.counts.has(term)));
    expect(shared.length).toBeGreaterThan(0);
    const stored = JSON.parse((sqliteDb(store).prepare('SELECT terms FROM story_profiles WHERE story_id = ?').get(story) as { terms: string }).terms) as Record<string, number>;
    for (const term of shared) expect(stored[term] ?? 0, term).toBeGreaterThan(0);
    await store.close();
  });

  // Found by a newcomer: an outlet corrected the headline of a story's lead, ingest updated the article and the embed
  // stage re-embedded it, but the cluster run only rebuilt the story's profile: the story kept the old headline as its
  // title (its page, cards, search and feeds) beside a lead block showing the new one, and the run counted nothing
  // changed. Any change of a member's words (here also a later date) must refresh what the story derives from them.
  it('refreshes a story whose members are corrected (title, lead, dates) and counts it changed', async () => {
    const store = await openStore(join(tempFolder(), 'corrected.db'));
    const outage = articles.filter((article) => article.label === 'harborOutage');
    await clusterRun(store, outage);
    const storyOf = await storiesByGuid(store);
    const story = storyOf.get(outage[0]!.id)!;
    expect(new Set(outage.map((article) => storyOf.get(article.id)))).toEqual(new Set([story]));
    const row = () => sqliteDb(store).prepare(`SELECT s.title, s.last_published_at AS last, a.title AS "leadTitle", src.guid AS "leadGuid"
      FROM stories s JOIN articles a ON a.id = s.lead_article_id JOIN article_sources src ON src.article_id = a.id WHERE s.id = ?`)
      .get(story) as { title: string; last: string; leadTitle: string; leadGuid: string };
    const before = row();
    expect(before.title).toBe(before.leadTitle);
    const now = new Date(Date.parse(outage.at(-1)!.published!) + 3600_000);
    const run = async (batch: LabelledArticle[]) => {
      for (const article of batch) await saveFeedItems(store, await upsertFeed(store, { url: `https://wire.example/${encodeURIComponent(article.source!)}` }), [asFeedItem(article)], now.toISOString());
      await embedArticles(store, embedder);
      return await clusterArticles(store, { modelId: embedder.id, topicSeeds: [], now });
    };

    // The lead's headline corrected.
    const lead = outage.find((article) => article.id === before.leadGuid)!;
    const corrected = await run([{ ...lead, title: lead.title.replace('Harbor Trust', 'Harbor Trust Bank') }]);
    const after = row();
    expect(after.title).toBe(after.leadTitle);
    expect(after.title).not.toBe(before.title);
    expect(corrected).toMatchObject({ clustered: 0, newStories: 0, changedStories: 1 });

    // Another member's words and date: the story's dates follow.
    const other = outage.find((article) => article.id !== after.leadGuid)!;
    const later = new Date(Date.parse(outage.at(-1)!.published!) + 1800_000).toISOString();
    const updated = await run([{ ...other, text: `${other.text} Updated with the bank's statement.`, published: later }]);
    expect(row().last).toBe(later);
    expect(updated).toMatchObject({ clustered: 0, newStories: 0, changedStories: 1 });
    expect(sqliteDb(store).prepare('SELECT count(*) AS n FROM story_profiles WHERE story_id = ?').get(story)).toEqual({ n: 1 });

    // And a run with nothing new changes nothing.
    expect(await run([])).toMatchObject({ clustered: 0, changedStories: 0 });
    await store.close();
  });

  // A story that has run for hours takes its next-day development when the headline carries the word every outlet's
  // headline used (follow-up.ts); a story seen as one burst, all of it within minutes, has shown no sign that it runs
  // on, so a headline on its subject after a day-long lull starts a story of its own, shown beside it as related.
  it('lets a follow-up join a running story even a day and a half later, and starts a related story after a burst', async () => {
    const runningFor = (minutes: number) => articles.map((article) => {
      if (article.label !== 'nimbusOutage') return article;
      const index = Number(article.id.split('-').at(-1));
      return { ...article, published: new Date(start + (index * minutes) / 3 * 60_000).toISOString() };
    });
    for (const [hours, minutes, ownStory] of [[1, 180, false], [36, 180, false], [36, 3, true]] as const) {
      const stream = runningFor(minutes);
      const outage = stream.filter((article) => article.label === 'nimbusOutage');
      const lastTime = Math.max(...outage.map((article) => Date.parse(article.published!)));
      const followUp: LabelledArticle = {
        id: `follow-up-${hours}-${minutes}`, label: 'followUp', source: 'Metro Post',
        title: 'Nimbus Cloud offers service credits after us-east outage',
        text: 'Customers hit by the us-east storage outage will get a month of free storage, Nimbus Cloud said, as regulators asked for a report.',
        published: new Date(lastTime + hours * 3600_000).toISOString(),
      };
      const store = await openStore(join(tempFolder(), `lull-${hours}-${minutes}.db`));
      await clusterRun(store, [...stream].sort((a, b) => a.published!.localeCompare(b.published!)));
      await clusterRun(store, [followUp]);
      const storyOf = await storiesByGuid(store);
      const [outageStory, followUpStory] = [storyOf.get(outage[0]!.id)!, storyOf.get(followUp.id)!];
      expect(new Set(outage.map((article) => storyOf.get(article.id))).size).toBe(1);
      expect(followUpStory === outageStory, `${hours} h after a story that ran ${minutes} min`).toBe(!ownStory);
      if (ownStory) expect((await relatedOf(store, [followUpStory])).get(followUpStory)?.[0]?.id).toBe(outageStory);
      await store.close();
    }
  });
});

/** One scheduled run: the batch arrives from its outlets' feeds, is embedded and clustered as of its latest article. */
async function clusterRun(store: Awaited<ReturnType<typeof openStore>>, batch: readonly LabelledArticle[], now = batch.at(-1)!.published!): Promise<void> {
  for (const article of batch) await saveFeedItems(store, await upsertFeed(store, { url: `https://wire.example/${encodeURIComponent(article.source!)}` }), [asFeedItem(article)], article.published!);
  await embedArticles(store, embedder);
  await clusterArticles(store, { modelId: embedder.id, topicSeeds: [], now: new Date(now) });
}

describe('mergeStories', () => {
  it('moves articles to the survivor and leaves the old row (and rows merged into it) pointing there', async () => {
    const store = await openStore(join(tempFolder(), 'merge.db'));
    const feed = await upsertFeed(store, { url: 'https://wire.example/feed' });
    await saveFeedItems(store, feed, ['a', 'b', 'c'].map((id) => ({
      guid: id, title: `Story ${id}`, url: `https://wire.example/${id}`, originalUrl: null, published: '2026-03-03T06:00:00.000Z',
      updated: null, dateFlag: null, author: null, summary: '', contentHtml: '', image: null, categories: [],
    })), '2026-03-03T06:00:00.000Z');
    await saveMemberships(store, [{ articleId: 1, storyId: 'old' }, { articleId: 2, storyId: 'middle' }, { articleId: 3, storyId: 'survivor' }], '2026-03-03T06:00:00.000Z');
    await mergeStories(store, 'old', 'middle');
    await mergeStories(store, 'middle', 'survivor');
    expect(await liveStoryIds(store)).toEqual(['survivor']);
    expect(redirectsTo(store, 'old')).toBe('survivor');
    expect(redirectsTo(store, 'middle')).toBe('survivor');
    const members = sqliteDb(store).prepare("SELECT count(*) AS n FROM story_articles WHERE story_id = 'survivor'").get() as { n: number };
    expect(members.n).toBe(3);
    await store.close();
  });
});

function redirectsTo(store: Awaited<ReturnType<typeof openStore>>, id: string): string | null {
  const row = sqliteDb(store).prepare('SELECT merged_into FROM stories WHERE id = ?').get(id) as { merged_into: string | null } | undefined;
  return row?.merged_into ?? null;
}

function asFeedItem(article: LabelledArticle): FeedItem {
  return {
    guid: article.id, title: article.title, url: `https://wire.example/${article.id}`, originalUrl: null,
    published: article.published, updated: null, dateFlag: null, author: null, summary: article.text,
    contentHtml: '', image: null, categories: [],
  };
}
