// Page sizes of the paginated lists, shared by the pages that render them and the sitemap that lists them.

/** Stories per topic page: a screenful or two of dense cards. */
export const topicPageSize = 30;
/** Topics per topic-index page: one page for any ordinary site, pages only for very large ones. */
export const topicIndexPageSize = 300;

export function pageCount(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** The items of one page (1-based). */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  return items.slice((page - 1) * pageSize, page * pageSize);
}
