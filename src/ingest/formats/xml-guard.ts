// Refuses XML that could make a parser expand entities or read outside files, before any parsing happens.
import { FeedParseError } from '../types.ts';

// RSS 0.91 feeds commonly carry this DOCTYPE. We never fetch DTDs, so it is harmless and allowed;
// the HTML entities it would define are recovered by the entity repair instead.
const NETSCAPE_RSS_091 = '-//Netscape Communications//DTD RSS 0.91//EN';

export const ENTITY_REFUSAL = 'refused: the feed declares XML entities (possible entity-expansion or external-entity attack)';

/**
 * Entity declarations are refused outright (billion laughs, XXE): no feed needs them, and
 * refusing before parsing keeps time and memory bounded whatever the declarations say.
 * External DTD references other than the Netscape RSS 0.91 one are refused too.
 */
export function checkDoctype(doctype: string): void {
  if (/<!ENTITY/i.test(doctype)) throw new FeedParseError(ENTITY_REFUSAL);
  const beforeSubset = doctype.split('[')[0] ?? '';
  if (/\b(SYSTEM|PUBLIC)\b/.test(beforeSubset) && !beforeSubset.includes(NETSCAPE_RSS_091)) {
    throw new FeedParseError('refused: the feed points to an external DTD (possible external-entity attack)');
  }
}
