// The build's picture step, between the store and the render: in local mode it fills the image cache and tells the
// pages (through a constant Vite writes into the bundle, read by data.ts) which pictures have copies; after the render
// it links those copies into the site.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { prepareImages, publishImages } from './image-cache.ts';
import type { ImageManifest } from './image-cache.ts';
import type { ImageMode } from './story-image.ts';

/** What data.ts reads from __WIREFOLD_IMAGES__: the mode, and in local mode the manifest file. */
export interface PictureSettings {
  mode: ImageMode;
  manifestPath: string | null;
}

export interface SitePictures {
  /** Vite `define` entries for the render. */
  define: Record<string, string>;
  /** Which pictures the pages show (the SiteData of the build is made with it). */
  manifest: ImageManifest;
  /** Pictures were left for a later build (a per-build limit or a host to retry). */
  pending: boolean;
  /** Puts the copies into the freshly rendered site. */
  publish(siteDir: string): void;
}

/**
 * Prepares the pictures for one build. Local mode fetches what the cache lacks (image-cache.ts) and prints one summary
 * line; it never fails the build over an image. The manifest goes into the cache folder (`site-manifest.json`), which
 * only this store's builds use (one writer per store).
 */
export async function sitePictures(options: { storePath: string; images?: ImageMode; allowPrivateAddresses?: boolean }): Promise<SitePictures> {
  const mode = options.images ?? 'local';
  if (mode !== 'local') {
    const settings: PictureSettings = { mode, manifestPath: null };
    return { define: { __WIREFOLD_IMAGES__: JSON.stringify(JSON.stringify(settings)) }, manifest: { mode, local: {} }, pending: false, publish: () => {} };
  }
  const started = performance.now();
  const summary = await prepareImages({ storePath: options.storePath, allowPrivateAddresses: options.allowPrivateAddresses ?? false });
  const manifestPath = join(summary.cacheDir, 'site-manifest.json');
  const manifest: ImageManifest = summary.manifest;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const pictures = Object.keys(manifest.local).length;
  console.log(`images: ${pictures} pictures (${summary.fetched} fetched, ${summary.cached} from the cache, ` +
    `${summary.skipped} skipped${summary.unreachable ? `, ${summary.unreachable} not tried on hosts found unreachable` : ''}` +
    `${summary.deferred ? `, ${summary.deferred} left for the next build` : ''}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const settings: PictureSettings = { mode, manifestPath };
  return {
    define: { __WIREFOLD_IMAGES__: JSON.stringify(JSON.stringify(settings)) },
    manifest,
    pending: summary.deferred > 0,
    publish: (siteDir) => publishImages(manifest, summary.cacheDir, siteDir),
  };
}
