// Where Wirefold's own files live, independent of the directory a command is run from.
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../', import.meta.url));
export const userAgent = 'Wirefold/0.1 (+https://github.com/wirefold/wirefold; news aggregator)';
