// The cluster stage's pure step (src/cluster/stories/place-articles.ts) on small synthetic input: hand-written titles,
// 6-dimensional unit vectors, no store. Each case asserts on the returned Placement.
import { describe, expect, it } from 'vitest';
import { placeArticles, storedMerges, storyIdFor } from '../../src/cluster/stories/place-articles.ts';
import type { PlacementInput } from '../../src/cluster/stories/place-articles.ts';
import type { Article } from '../../src/model/article.ts';
import type { StoryMember, StoryProfile } from '../../src/model/story.ts';

const unit = (values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((value) => value / norm));
};
const quake = unit([1, 0, 0, 0, 0, 0]);
const rates = unit([0, 0, 1, 0, 0, 0]);
const match = unit([0, 0, 0, 0, 1, 0]);
const start = Date.parse('2026-03-03T06:00:00Z');

interface Written {
  id: number;
  feedId: number;
  title: string;
  minutes: number;
  vector: Float32Array;
}

function article({ id, feedId, title, minutes }: Written): Article {
  return {
    id, feedId, source: `Outlet ${feedId}`, canonicalUrl: `https://outlet${feedId}.example/${id}`, originalUrl: null, title, summary: '',
    contentHtml: '', author: null, image: null, categories: [], publishedAt: new Date(start + minutes * 60_000).toISOString(), dateFlag: null,
    firstSeenAt: new Date(start + minutes * 60_000).toISOString(), contentHash: `hash-${id}`, copyOf: null,
  };
}

/** A stored story of the given articles (oldest first) with the profile a run would have saved (vectors summed). */
function stored(storyId: string, written: readonly Written[]): { members: StoryMember[]; profile: StoryProfile } {
  const members = written.map((one) => {
    const { id, feedId, title, summary, publishedAt, contentHash } = article(one);
    return { storyId, articleId: id, feedId, title, summary, publishedAt, contentHash };
  });
  const sum = new Float32Array(quake.length);
  for (const one of written) one.vector.forEach((value, index) => (sum[index]! += value));
  return { members, profile: { id: storyId, sum, size: written.length, words: new Map(), wordWeight: 0 } };
}

/** The input of a run: its new articles, the stored stories still taking articles, background 0 (cosine as is). */
function input(fresh: readonly Written[], stories: readonly { members: StoryMember[]; profile: StoryProfile }[] = []): PlacementInput {
  return {
    articles: fresh.map(article),
    vectors: new Map(fresh.map((one) => [`hash-${one.id}`, one.vector])),
    members: stories.flatMap((story) => story.members).sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.articleId - b.articleId),
    profiles: new Map(stories.map((story) => [story.profile.id, story.profile])),
    background: 0,
  };
}

// Unrelated stories of the same morning, so that the words of a run have their usual weights (a word every article
// uses weighs nothing).
const others: Written[] = [
  { id: 90, feedId: 5, title: 'central bank raises interest rates again', minutes: 0, vector: rates },
  { id: 91, feedId: 6, title: 'league final ends in penalty shootout', minutes: 1, vector: match },
];

describe('placeArticles', () => {
  it('adds an article to the stored story it is close to, and starts a story for a far one', () => {
    const story = stored('s-quake', [
      { id: 1, feedId: 1, title: 'earthquake shakes harbour city at dawn', minutes: 0, vector: quake },
      { id: 2, feedId: 2, title: 'dawn earthquake damages harbour roads', minutes: 10, vector: unit([1, 0.1, 0, 0, 0, 0]) },
    ]);
    const close: Written = { id: 3, feedId: 3, title: 'harbour earthquake cuts power at dawn', minutes: 30, vector: unit([1, 0.05, 0, 0.05, 0, 0]) };
    const far: Written = { id: 4, feedId: 3, title: 'chess champion retires after forty years', minutes: 31, vector: unit([0, 0, 0, 0, 0, 1]) };
    const placement = placeArticles(input([close, far, ...others], [story]));
    const storyOf = new Map(placement.memberships.map((membership) => [membership.articleId, membership.storyId]));
    expect(storyOf.get(3)).toBe('s-quake');
    expect(storyOf.get(4)).toBe(storyIdFor(article(far)));
    expect(placement.merges).toEqual([]);
    expect(placement.known).toEqual(new Set(['s-quake']));
    expect(placement.changed).toContain('s-quake');
    expect(placement.changed.filter((id) => !placement.known.has(id))).toHaveLength(3);
    const profile = placement.profiles[placement.changed.indexOf('s-quake')]!;
    expect(profile.size).toBe(3);
    // The stored profile's sum plus the new article's vector; the input's profile itself is left as it was.
    expect(profile.sum[0]).toBeCloseTo(quake[0]! + unit([1, 0.1, 0, 0, 0, 0])[0]! + close.vector[0]!, 5);
    expect(story.profile.sum[0]).toBeCloseTo(quake[0]! + unit([1, 0.1, 0, 0, 0, 0])[0]!, 5);
  });

  it('merges two stories the run touched once a third article bridges their words; the older one survives', () => {
    // Two outlets word one event apart (no word in common, so neither story is a candidate for the other's article);
    // a third uses both wordings and joins the first, and then the two stories, as wholes, pass the merge threshold.
    const first: Written = { id: 10, feedId: 1, title: 'earthquake shakes harbour city', minutes: 0, vector: quake };
    const second: Written = { id: 11, feedId: 2, title: 'strong tremor felt near port', minutes: 5, vector: unit([1, 0.1, 0, 0, 0, 0]) };
    const bridge: Written = { id: 12, feedId: 3, title: 'earthquake tremor shakes harbour and port', minutes: 20, vector: unit([1, 0.05, 0, 0, 0, 0]) };
    const placement = placeArticles(input([first, second, bridge, ...others]));
    const older = storyIdFor(article(first));
    const storyOf = new Map(placement.memberships.map((membership) => [membership.articleId, membership.storyId]));
    expect([storyOf.get(10), storyOf.get(11), storyOf.get(12)]).toEqual([older, older, older]);
    expect(placement.merges).toEqual([{ from: storyIdFor(article(second)), into: older }]);
    // Born and merged in this run: nothing stored to mark as merged.
    expect(storedMerges(placement)).toEqual([]);
    expect(placement.profiles[placement.changed.indexOf(older)]!.size).toBe(3);
  });

  it('marks a stored story merged into the older stored story it grew into', () => {
    const older = stored('s-older', [{ id: 20, feedId: 1, title: 'earthquake shakes harbour city', minutes: 0, vector: quake }]);
    const newer = stored('s-newer', [{ id: 21, feedId: 2, title: 'strong tremor felt near port', minutes: 5, vector: unit([1, 0.1, 0, 0, 0, 0]) }]);
    const bridge: Written = { id: 22, feedId: 3, title: 'tremor near port shakes harbour city', minutes: 20, vector: unit([1, 0.08, 0, 0, 0, 0]) };
    const placement = placeArticles(input([bridge, ...others], [newer, older]));
    expect(placement.memberships.find((membership) => membership.articleId === 22)!.storyId).toBe('s-older');
    expect(storedMerges(placement)).toEqual([{ from: 's-newer', into: 's-older' }]);
    expect(placement.profiles[placement.changed.indexOf('s-older')]!.size).toBe(3);
  });

  it('asks more of an outlet’s item to join a story only that outlet tells', () => {
    // One outlet's two items on one subject: cosine 0.35, two words in common (TF-IDF cosine 0.17, weight 0.14 for
    // five words), half an hour apart (0.01): 0.31 on the blend, above the join threshold (0.2) from another outlet,
    // 0.11 from the same outlet, which alone tells the story (the margin, 0.2).
    const told = () => stored('s-council', [{ id: 30, feedId: 7, title: 'council approves new budget plan', minutes: 0, vector: unit([0, 0, 0, 1, 0, 0]) }]);
    const item = (feedId: number): Written => ({ id: 31, feedId, title: 'council budget vote delayed by protest', minutes: 30, vector: unit([0, 0.94, 0, 0.35, 0, 0]) });
    const sameOutlet = placeArticles(input([item(7), ...others], [told()]));
    expect(sameOutlet.memberships[0]!.storyId).toBe(storyIdFor(article(item(7))));
    const otherOutlet = placeArticles(input([item(8), ...others], [told()]));
    expect(otherOutlet.memberships[0]!.storyId).toBe('s-council');
  });

  it('gives the same placement for the same input', () => {
    const run = () => placeArticles(input([{ id: 40, feedId: 1, title: 'earthquake shakes harbour city', minutes: 0, vector: quake }, ...others]));
    expect(run()).toEqual(run());
  });
});
