// The record a build leaves in its site, beside the marker: the fingerprint of its inputs and the content hash of every
// page of the dynamic routes. The next build compares with it to do nothing (same fingerprint) or to render only the
// pages whose hash changed.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildSettings } from './build-inputs.ts';

export const buildManifestName = '.wirefold-build.json';

export interface BuildManifest {
  /** buildFingerprint of the store digest, the code digest and the settings (build-inputs.ts). */
  fingerprint: string;
  code: string;
  settings: BuildSettings;
  /** HTML pages in the site, for the summary line of a build that finds the site up to date. */
  htmlPages: number;
  /** Output file (relative to the site's root) → content hash, for the pages of the dynamic routes (page-plan.ts). */
  pages: Record<string, string>;
  /**
   * The search index's shards (search-shards.ts), in the order of searchShards (the first is the primary bundle): shard
   * → its pages' output files → their content hashes. A shard whose record is unchanged is kept from the live site.
   * Absent in a site built before the index was sharded: every shard is indexed.
   */
  search?: Record<string, Record<string, string>>;
  /** The build left pictures for a later build to fetch (site-pictures.ts): the next build is not skipped. */
  picturesPending?: boolean;
  /**
   * The names at the root of the site this build wrote, sorted: the next build refuses to replace a site beside whose
   * files a user put their own (a .git, a CNAME). Absent in a site built before it was recorded: nothing is checked.
   */
  topLevel?: string[];
}

/** The manifest in siteDir, or null when there is none or it is unreadable or of another shape (a full build follows). */
export function readBuildManifest(siteDir: string): BuildManifest | null {
  try {
    const value = JSON.parse(readFileSync(join(siteDir, buildManifestName), 'utf8')) as Partial<BuildManifest>;
    if (typeof value.fingerprint !== 'string' || typeof value.code !== 'string' || typeof value.htmlPages !== 'number' ||
      typeof value.pages !== 'object' || value.pages === null || typeof value.settings !== 'object' || value.settings === null) return null;
    // A search record of another shape only costs re-indexing every shard.
    if (typeof value.search !== 'object' || value.search === null) delete value.search;
    if (!Array.isArray(value.topLevel) || !value.topLevel.every((name) => typeof name === 'string')) delete value.topLevel;
    return value as BuildManifest;
  } catch {
    return null;
  }
}

/**
 * Writes the manifest into siteDir as a new file: a file of that name already there is removed first, since it may be a
 * hard link into the live site (reuse-files.ts), which writing through would change.
 */
export function writeBuildManifest(siteDir: string, manifest: BuildManifest): void {
  const path = join(siteDir, buildManifestName);
  rmSync(path, { force: true });
  writeFileSync(path, `${JSON.stringify(manifest)}\n`);
}

/**
 * The names at siteDir's root that the build which left manifest did not write (a user's .git or CNAME added since),
 * sorted; empty when the manifest records no names (an older build) or all are the build's own.
 */
export function namesNotBuilt(siteDir: string, manifest: BuildManifest): string[] {
  if (!manifest.topLevel) return [];
  const built = new Set(manifest.topLevel);
  return readdirSync(siteDir).filter((name) => !built.has(name)).sort();
}
