// Warnings about a fetch that both the ingest stage and the parser give, in a module of their own: the ingest stage
// must not load the parser (and its date, XML and HTML libraries) on a run whose feeds all answer 304.

/** What a feed whose server named a compression it did not apply is told, in `feeds parse` and the ingest summary. */
export function encodingIgnoredWarning(encoding: string): string {
  return `sent as ${encoding} but not compressed; read as sent`;
}
