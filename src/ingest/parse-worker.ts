// The worker side of FeedReader (feed-reader.ts): parses the feeds it is sent, one at a time, and answers with the
// parsed feed or the reason it cannot be read.
import { parentPort } from 'node:worker_threads';
import { parseFeed } from './parse.ts';
import { FeedParseError } from './types.ts';
import type { ParseOptions } from './types.ts';

export interface ParseJob {
  bytes: Uint8Array;
  options: ParseOptions;
}

export type ParseAnswer =
  | { kind: 'ready' }
  | { kind: 'parsed'; feed: ReturnType<typeof parseFeed> }
  | { kind: 'unreadable'; message: string }
  | { kind: 'crashed'; message: string };

const port = parentPort!;
port.on('message', (job: ParseJob) => {
  let answer: ParseAnswer;
  try {
    answer = { kind: 'parsed', feed: parseFeed(job.bytes, job.options) };
  } catch (error) {
    answer = error instanceof FeedParseError
      ? { kind: 'unreadable', message: error.message }
      : { kind: 'crashed', message: (error as Error).message ?? String(error) };
  }
  port.postMessage(answer);
});
port.postMessage({ kind: 'ready' } satisfies ParseAnswer);
