// Options every command shares, from flags first and the environment second.
import { defaultStorePath } from '../store/store.ts';

export interface Settings {
  storePath: string;
  outDir: string;
  model: string | undefined;
  dtype: 'q8' | 'fp32';
  siteUrl: string | undefined;
  base: string | undefined;
  force: boolean;
  allowPrivateAddresses: boolean;
}

export const sharedOptions = {
  db: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  dtype: { type: 'string' },
  'site-url': { type: 'string' },
  base: { type: 'string' },
  force: { type: 'boolean' },
  'allow-private-addresses': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const sharedHelp = `Options:
  --db <file>        the store (default ${defaultStorePath}, or WIREFOLD_DB)
  --out <dir>        where the site is built (default dist, or WIREFOLD_OUT)
  --model <dir|id>   embedding model folder or id (default: the built USE-lite; or WIREFOLD_MODEL_DIR)
  --dtype q8|fp32    model weights (default q8)
  --site-url <url>   the site's public URL (or WIREFOLD_SITE_URL)
  --base <path>      base path when deployed under a sub-path (or WIREFOLD_BASE)
  --force            fetch every feed now, ignoring schedules and backoff
  --allow-private-addresses  fetch feeds on loopback, private and link-local addresses (or WIREFOLD_ALLOW_PRIVATE_ADDRESSES=1)
  -h, --help         show help`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function settingsFrom(values: Record<string, string | boolean | undefined>): Settings {
  const dtype = (values.dtype as string | undefined) ?? 'q8';
  if (dtype !== 'q8' && dtype !== 'fp32') throw new UsageError(`--dtype must be q8 or fp32, not ${dtype}`);
  return {
    storePath: (values.db as string | undefined) ?? process.env.WIREFOLD_DB ?? defaultStorePath,
    outDir: (values.out as string | undefined) ?? process.env.WIREFOLD_OUT ?? 'dist',
    model: (values.model as string | undefined) ?? process.env.WIREFOLD_MODEL_DIR,
    dtype,
    siteUrl: (values['site-url'] as string | undefined) ?? process.env.WIREFOLD_SITE_URL,
    base: (values.base as string | undefined) ?? process.env.WIREFOLD_BASE,
    force: values.force === true,
    allowPrivateAddresses: values['allow-private-addresses'] === true || process.env.WIREFOLD_ALLOW_PRIVATE_ADDRESSES === '1',
  };
}
