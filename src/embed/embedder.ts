// The embedder interface: texts in, unit-length vectors out. Swapping the model never touches any other stage.

export interface Embedder {
  /** Names the model, dtype and input recipe: the embedding cache is keyed by it, so changing any of them re-embeds. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** What Wirefold embeds for an article: the headline carries the event, the summary's start adds names and numbers. */
export function embeddingText(title: string, summary: string, maxChars = 300): string {
  const text = summary && !summary.startsWith(title) ? `${title}. ${summary}` : title || summary;
  return text.length <= maxChars ? text.trim() : text.slice(0, maxChars).replace(/\s+\S*$/, '').trim();
}
