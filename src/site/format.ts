// Small formatting helpers shared by pages: links under the base path, relative times, dates.
import { format } from 'date-fns/format';
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';

/** A site-internal link that respects the configured base path. */
export function href(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return `${base}/${path.replace(/^\//, '')}`;
}

/** "3 hours ago", measured against the build time so a static page reads correctly the day it was built. */
export function timeAgo(iso: string, now: Date = buildTime): string {
  return `${formatDistanceStrict(new Date(iso), now)} ago`;
}

export function shortDate(iso: string): string {
  return format(new Date(iso), 'MMM d, HH:mm');
}

export const buildTime = new Date(process.env.WIREFOLD_NOW ?? Date.now());
