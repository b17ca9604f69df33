// Specifics: the names, places, organisations and numbers an article shares with a story. Two shootings on one day,
// two market reports of one afternoon or two quakes read alike to the embedding and share genre words ("gunman",
// "stocks", "magnitude"); what tells one event from another is a shared "Valparaíso", "Nasdaq" or "6.8". A word
// counts as a name when the stream writes it with a capital inside a sentence and (almost) never in lower case. A
// sentence's first word and a Title Case headline capitalise ordinary words, so they are no evidence either way; an
// article written that way still has the names the rest of the stream writes as names.
import { isSalient, wordPattern } from './terms.ts';

export interface Casing {
  /** Terms written with a capital inside a sentence of ordinary case, and numbers. */
  names: Set<string>;
  /** Terms written in lower case. */
  plain: Set<string>;
  /** Every term written with a capital or a digit, wherever it stands. */
  capitalised: Set<string>;
  /** The salient terms in order (terms.ts namedTerms: the same words, read in the same pass). */
  terms: { term: string; named: boolean }[];
}


const sentenceBreak = /[.!?:;|"“«(\[—–]\s*$|^\s*[-–—]\s*$/;

/** How a text writes its words (terms as terms.ts makes them: lower case, no possessive). */
export function casing(text: string): Casing {
  const found: Casing = { names: new Set<string>(), plain: new Set<string>(), capitalised: new Set<string>(), terms: [] };
  found.terms = readCasing(text, found);
  return found;
}

/**
 * Adds how `text` writes its words to `into` (so a headline and its summary fill one record) and returns its salient
 * terms in order, each marked when it starts with a capital or a digit (terms.ts namedTerms, in the same pass).
 */
export function readCasing(text: string, into: Omit<Casing, 'terms'>): { term: string; named: boolean }[] {
  const words = [...text.matchAll(wordPattern)];
  let long = 0;
  let longCapitalised = 0;
  for (const match of words) {
    const word = match[0];
    if (word.length >= 4 && isLetter(word[0]!)) {
      long++;
      if (isUpper(word[0]!)) longCapitalised++;
    }
  }
  const titleCase = long >= 2 && longCapitalised >= 0.7 * long;
  const terms: { term: string; named: boolean }[] = [];
  let previousEnd = 0;
  for (const match of words) {
    const word = match[0];
    const term = word.toLowerCase().replace(/['’]s$/, '');
    // Only the gap since the previous word can end a sentence (words never end in punctuation), so this stays linear.
    const sentenceStart = match.index === 0 || sentenceBreak.test(text.slice(previousEnd, match.index));
    previousEnd = match.index + word.length;
    if (!isSalient(term)) continue;
    const capital = isUpper(word[0]!);
    const number = /\d/.test(word);
    terms.push({ term, named: capital || isDigit(word[0]!) });
    if (number) {
      into.names.add(term);
      into.capitalised.add(term);
    } else if (capital) {
      into.capitalised.add(term);
      if (!sentenceStart && !titleCase) into.names.add(term);
    } else into.plain.add(term);
  }
  return terms;
}

const isUpper = (character: string) => character !== character.toLowerCase();
const isLetter = (character: string) => character.toLowerCase() !== character.toUpperCase();
const isDigit = (character: string) => character >= '0' && character <= '9';

/**
 * The stream's names: terms some article writes as a name, unless they are ordinary words (in lower case in two
 * articles, or in a quarter of their uses as names).
 */
export function streamNames(articles: readonly { names: ReadonlySet<string>; plain: ReadonlySet<string> }[]): Set<string> {
  const ordinary = ordinaryWords(articles);
  const names = new Set<string>();
  for (const article of articles) for (const name of article.names) if (!ordinary.has(name) && isSpecific(name)) names.add(name);
  return names;
}

function ordinaryWords(articles: readonly { names: ReadonlySet<string>; plain: ReadonlySet<string> }[]): Set<string> {
  const capitalised = new Map<string, number>();
  const lower = new Map<string, number>();
  for (const article of articles) for (const term of article.names) capitalised.set(term, (capitalised.get(term) ?? 0) + 1);
  // Only words some article writes as a name can be ordinary words taken for names; the rest need no count.
  for (const article of articles) for (const term of article.plain) if (capitalised.has(term)) lower.set(term, (lower.get(term) ?? 0) + 1);
  const ordinary = new Set<string>();
  for (const [term, count] of lower) if (count >= 2 || count * 4 >= (capitalised.get(term) ?? 0)) ordinary.add(term);
  return ordinary;
}

/**
 * Whether a capitalised or numeric term can be evidence at all: a year or a single digit is shared by unrelated events
 * ("2014", "3 things"), while a quantity ("6.8", "80,000") or a model name ("s5", "a320") is specific.
 */
export function isSpecific(term: string): boolean {
  if (/^\d{1,2}$/.test(term)) return false;
  if (/^(19|20)\d\d$/.test(term)) return false;
  return !calendarWords.has(term);
}

/** Days and months are written as names but shared by everything published then ("Tuesday", "September", "Aug"). */
const calendarWords = new Set(
  ('monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun january february march april may ' +
    'june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec gmt utc est edt pst pdt bst cet').split(' '),
);

/** The specifics two texts (or an article and a story) share. */
export function sharedSpecifics(names: ReadonlySet<string>, other: ReadonlyMap<string, number> | ReadonlySet<string>): string[] {
  const shared: string[] = [];
  for (const name of names) if (other.has(name)) shared.push(name);
  return shared;
}

/**
 * Specifics as evidence between a group (one article, or a story's members) and a story, names counted over each
 * side's members. `shared`: for each name both use, the share of each side naming it, summed (at most 1): an article
 * naming "Titanfall" beside a story where nine members in ten do scores 0.9. `missing`: the share of the group's
 * names the story never uses. Two events of one subject share its main name ("Microsoft", "Saints") but each has its
 * own ("Pierre Thomas", "Reggie Bush"), and the stream only keeps names that someone else uses too, so a name the
 * story lacks is one that belongs to some other story. `lacking`: the other way round, the share of the story's core
 * names (used by at least half its members) that fewer than half the group's members use.
 */
export function namesEvidence(names: ReadonlyMap<string, number>, members: number, story: ReadonlyMap<string, number>, size: number): { shared: number; missing: number; lacking: number } {
  let shared = 0;
  let missing = 0;
  let total = 0;
  for (const [name, count] of names) {
    const other = story.get(name);
    if (other) shared += (count / members) * (other / size);
    else missing += count;
    total += count;
  }
  let core = 0;
  let lacking = 0;
  for (const [name, count] of story) {
    if (count * 2 < size) continue;
    core++;
    if ((names.get(name) ?? 0) * 2 < members) lacking++;
  }
  return { shared: Math.min(1, shared), missing: total ? missing / total : 0, lacking: core ? lacking / core : 0 };
}

/**
 * Whether a group (one article, or a story's members) and a story name disjoint specifics, numbers aside: the group
 * names something (a place, a person, an organisation, a model), none of which the story ever uses, and the story has
 * core names (used by at least half its members), none of which the group uses. Quantities are set
 * aside because they coincide between events (two magnitude-6.8 quakes, "3 dead" twice) while the names say which
 * event it is. Same shapes as namesEvidence (the group's member count does not matter: a name either side uses at all
 * is shared).
 */
export function disjointNames(names: ReadonlyMap<string, number>, story: ReadonlyMap<string, number>, size: number): boolean {
  let own = 0;
  for (const name of names.keys()) {
    if (isQuantity(name)) continue;
    if (story.has(name)) return false;
    own++;
  }
  if (own === 0) return false;
  // Every name both use has returned false above, so the story's core names are all ones the group does not use:
  // it only has to have one.
  for (const [name, count] of story) if (count * 2 >= size && !isQuantity(name)) return true;
  return false;
}

/** A number written as a name ("6.8", "80,000", "2bn"), as against a model name that starts with a letter ("a320"). */
const isQuantity = (name: string) => isDigit(name[0]!);

