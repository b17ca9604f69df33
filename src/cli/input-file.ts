// Reading a file the user named on the command line, with the reason in plain words when it cannot be read.
import { readFileSync } from 'node:fs';
import { fileErrorReason } from '../file-errors.ts';

/**
 * The file's bytes; "-" is standard input, as for most command-line tools (and as `feeds export -` writes to standard
 * output). Throws an Error whose message is one line: "cannot read PATH: no such file" and the like.
 */
export function readInputBytes(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new Error(`cannot read ${path === '-' ? 'standard input' : path}: ${fileErrorReason(error)}`);
  }
}

/** The file's text (UTF-8), as readInputBytes. */
export function readInputFile(path: string): string {
  return readInputBytes(path).toString('utf8');
}
