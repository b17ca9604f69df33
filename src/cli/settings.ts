// The one configuration object: built once from flags, then the environment, then defaults, and the only reader of
// process.env. It remembers which values the user gave, so a command can tell "the default store" from "a store the
// user named" (the demo refuses to touch the latter).
import { defaultStorePath } from '../store/store.ts';
import { parseStoreLocation, StoreLocationError } from '../store/location.ts';
import { imageModes } from '../site/story-image.ts';
import type { ImageMode } from '../site/story-image.ts';

/** The demo's own store and out dir, so a demo never touches the real ones (cli/demo.ts). */
export const demoStorePath = 'data/demo.db';
export const demoOutDir = 'dist-demo';

export interface Settings {
  storePath: string;
  outDir: string;
  model: string | undefined;
  dtype: 'q8' | 'fp32';
  siteUrl: string | undefined;
  base: string | undefined;
  /** Story pictures on the site: local copies (default), the outlets' URLs, or none. */
  images: ImageMode;
  force: boolean;
  allowPrivateAddresses: boolean;
  /** How long an ingest worker holds the feeds it takes, in seconds (WIREFOLD_LEASE_SECONDS, default 600). */
  leaseSeconds: number;
  /** Transformers.js may download a hub model id (off by default: a run never reaches outside on its own). */
  allowRemoteModels: boolean;
  debug: boolean;
  /** This run is `wirefold demo` (set by that command, not by the user): its site is marked as the demo's. */
  demo: boolean;
  /** The settings the user gave by flag or environment; the rest are defaults. */
  given: ReadonlySet<SettingName>;
}

export type SettingName = keyof Omit<Settings, 'given'>;

interface Definition {
  flag?: string;
  env?: string;
  type: 'string' | 'boolean';
  help?: string;
}

/**
 * A base path as the site's links carry it: one leading and one trailing slash, no empty segment ("news", "/news" and
 * "//news//" are "/news/"; "" is "/"). Astro takes a base as given, so "//news//" made every link "//news//…", a
 * protocol-relative URL to a host named "news", while serve answered at "/news/".
 */
export function normalBase(base: string): string {
  const segments = base.trim().split('/').filter((segment) => segment !== '');
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

function optionalBase(base: string | undefined): string | undefined {
  return base === undefined ? undefined : normalBase(base);
}

/** Every setting: its flag, its environment variable and its line of help. Defaults are in `settingsFrom`. */
const definitions: Record<SettingName, Definition> = {
  storePath: { flag: 'db', env: 'WIREFOLD_DB', type: 'string', help: `--db <file|url>    the store: a SQLite file (default ${defaultStorePath}) or postgres://… (or WIREFOLD_DB)` },
  outDir: { flag: 'out', env: 'WIREFOLD_OUT', type: 'string', help: '--out <dir>        where the site is built (default dist, or WIREFOLD_OUT)' },
  model: { flag: 'model', env: 'WIREFOLD_MODEL_DIR', type: 'string', help: '--model <dir|id>   embedding model folder or id (default: the built USE-lite; or WIREFOLD_MODEL_DIR)' },
  dtype: { flag: 'dtype', type: 'string', help: '--dtype q8|fp32    model weights (default q8)' },
  siteUrl: { flag: 'site-url', env: 'WIREFOLD_SITE_URL', type: 'string', help: "--site-url <url>   the site's public URL (or WIREFOLD_SITE_URL)" },
  base: { flag: 'base', env: 'WIREFOLD_BASE', type: 'string', help: '--base <path>      base path when deployed under a sub-path (or WIREFOLD_BASE)' },
  images: { flag: 'images', env: 'WIREFOLD_IMAGES', type: 'string', help: '--images local|hotlink|off\n                     story pictures: our own copies (default), the outlets\' URLs, or none (or WIREFOLD_IMAGES)' },
  force: { flag: 'force', type: 'boolean', help: '--force            fetch every feed now, ignoring schedules and backoff' },
  allowPrivateAddresses: {
    flag: 'allow-private-addresses', env: 'WIREFOLD_ALLOW_PRIVATE_ADDRESSES', type: 'boolean',
    help: '--allow-private-addresses\n                     fetch feeds and pictures on loopback and private addresses (or WIREFOLD_ALLOW_PRIVATE_ADDRESSES=1)',
  },
  leaseSeconds: { env: 'WIREFOLD_LEASE_SECONDS', type: 'string' },
  allowRemoteModels: { env: 'WIREFOLD_ALLOW_REMOTE_MODELS', type: 'boolean' },
  debug: { env: 'WIREFOLD_DEBUG', type: 'boolean' },
  demo: { type: 'boolean' },
};

/** The settings each kind of work reads; a command lists the groups it uses, and its --help shows just those. */
export const settingGroups = {
  store: ['storePath'],
  fetch: ['force', 'allowPrivateAddresses'],
  model: ['model', 'dtype'],
  site: ['outDir', 'siteUrl', 'base', 'images'],
} as const satisfies Record<string, readonly SettingName[]>;

/** parseArgs options for every setting that has a flag, plus --help. */
export const settingOptions = {
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.values(definitions).filter((definition) => definition.flag)
    .map((definition) => [definition.flag!, { type: definition.type }])),
} as Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** The flag of a setting (`storePath` → `db`). */
export const flagOf = (name: SettingName): string | undefined => definitions[name].flag;

/**
 * Help lines for a command: its own options' lines first, then the given settings', in the order given; `overrides`
 * replaces a setting's line where the command gives it another default.
 */
export function settingsHelp(names: readonly SettingName[], ownLines: readonly string[] = [], overrides: Partial<Record<SettingName, string>> = {}): string {
  const lines = [...ownLines, ...names.map((name) => overrides[name] ?? definitions[name].help)].filter(Boolean).map((line) => `  ${line}`);
  return `Options:\n${[...lines, '  -h, --help         show help'].join('\n')}`;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const truthy = (text: string) => !['', '0', 'false', 'no', 'off'].includes(text.trim().toLowerCase());

/**
 * Builds the settings from parsed flags (parseArgs `values`, keyed by flag name) and an environment (process.env by
 * default, the one place it is read). Throws UsageError on a value no command can use.
 */
export function settingsFrom(flags: Record<string, string | boolean | undefined>, environment: NodeJS.ProcessEnv = process.env): Settings {
  const given = new Set<SettingName>();
  const read = (name: SettingName): string | boolean | undefined => {
    const { flag, env, type } = definitions[name];
    const fromFlag = flag ? flags[flag] : undefined;
    const fromEnv = env ? environment[env] : undefined;
    const value = fromFlag ?? (fromEnv === undefined || fromEnv === '' ? undefined : type === 'boolean' ? truthy(fromEnv) : fromEnv);
    if (value !== undefined) given.add(name);
    return value;
  };
  const text = (name: SettingName) => read(name) as string | undefined;
  const flag = (name: SettingName) => read(name) === true;

  const dtype = text('dtype') ?? 'q8';
  if (dtype !== 'q8' && dtype !== 'fp32') throw new UsageError(`--dtype must be q8 or fp32, not ${dtype}`);
  const images = text('images') ?? 'local';
  if (!(imageModes as readonly string[]).includes(images)) throw new UsageError(`--images must be ${imageModes.join(', ')}, not ${images}`);
  const leaseText = text('leaseSeconds') ?? '600';
  const leaseSeconds = Number(leaseText);
  // At most a day: leases are renewed on a timer of a third of the lease, and a Node timer over 2^31 - 1 ms fires at
  // once (7,000,000 s renewed every millisecond; 1e300 ended the run with "Invalid time value").
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0 || leaseSeconds > 86_400) {
    throw new UsageError(`WIREFOLD_LEASE_SECONDS must be a positive number of seconds, at most 86400 (a day), not ${leaseText}`);
  }
  const settings: Omit<Settings, 'given'> = {
    storePath: text('storePath') ?? defaultStorePath,
    outDir: text('outDir') ?? 'dist',
    model: text('model'),
    dtype,
    siteUrl: text('siteUrl'),
    base: optionalBase(text('base')),
    images: images as ImageMode,
    force: flag('force'),
    allowPrivateAddresses: flag('allowPrivateAddresses'),
    leaseSeconds,
    allowRemoteModels: flag('allowRemoteModels'),
    debug: flag('debug'),
    demo: false,
  };
  for (const name of ['storePath', 'outDir'] as const) {
    if (!settings[name].trim()) throw new UsageError(`--${flagOf(name)} needs a path`);
    // `--out=~/site` reaches us unexpanded (the shell expands ~ only at the start of a word): it would make a folder named "~".
    if (settings[name].startsWith('~')) throw new UsageError(`--${flagOf(name)} ${settings[name]}: the shell did not expand "~"; write the path out (or use $HOME)`);
  }
  // A store location with a scheme: `sqlite:` names a file, `postgres://` a PostgreSQL database; any other scheme is
  // refused, since taking it for a file name would quietly start a SQLite file called "mysql:".
  try {
    const location = parseStoreLocation(settings.storePath);
    settings.storePath = location.kind === 'sqlite' ? location.path : location.url;
  } catch (error) {
    if (error instanceof StoreLocationError) throw new UsageError(`--db ${settings.storePath}: ${error.message}`);
    throw error;
  }
  if (settings.siteUrl !== undefined) checkSiteUrl(settings.siteUrl);
  if (settings.base !== undefined) checkBase(settings.base);
  return { ...settings, given };
}

/**
 * Refuses (UsageError) a --site-url that is not an http(s) origin: the site's links, feeds and sitemap are made from
 * it, and a path in it ("https://example.org/news") was dropped without a word, so the path goes in --base.
 */
function checkSiteUrl(siteUrl: string): void {
  const url = URL.canParse(siteUrl) ? new URL(siteUrl) : null;
  if (!url || !/^https?:$/.test(url.protocol) || !/^https?:\/\//i.test(siteUrl)) {
    throw new UsageError(`--site-url must be an http:// or https:// address, not "${siteUrl}"`);
  }
  // Every page and feed would publish the credentials; the origin alone is what readers need.
  if (url.username || url.password) throw new UsageError(`--site-url must not hold a user name or password; give the site's public address (${url.origin})`);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`--site-url is the site's address without a path (${url.origin}); give the path with --base, e.g. --base ${url.pathname}`);
  }
}

/**
 * Refuses (UsageError) a --base (already normalBase'd) with a segment that is no plain URL path segment: RFC 3986's
 * pchar set, and not "." or ".." ("../x" made Astro fail on every page with 1,200 lines of errors; "/news?x=1" built a
 * front page that was only a redirect).
 */
function checkBase(base: string): void {
  const bad = base.split('/').filter(Boolean).find((segment) => segment === '.' || segment === '..' || !/^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/.test(segment));
  if (bad !== undefined) throw new UsageError(`--base must be a URL path such as /news/, and "${bad}" is not a plain path segment`);
}
