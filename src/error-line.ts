// A failure said in one line: what a command prints of an error it reports beside its own words (a parse worker that
// died, a stop's clean-up that failed), where a stack or a multi-line message would break its one-line output.

/** The first line of the error's message (or of the value as text; "Error" for an Error with no message), trimmed. */
export function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message || String(error) : String(error);
  return text.split('\n')[0]!.trim();
}
