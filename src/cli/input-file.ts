// Reading a file the user named on the command line, with the reason in plain words when it cannot be read.
import { readFileSync } from 'node:fs';

/** The file's text (UTF-8). Throws an Error whose message is one line: "cannot read PATH: no such file" and the like. */
export function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file'
      : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new Error(`cannot read ${path}: ${reason}`);
  }
}
