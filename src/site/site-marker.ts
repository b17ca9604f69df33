// The marker file at the root of every site `wirefold build` writes: how a later build tells a folder it may replace
// from a user's folder that it must leave alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStart } from '../processes.ts';

export const siteMarkerName = '.wirefold-site';

export interface SiteMarker {
  writtenBy: 'wirefold build';
  /** When the build that wrote the folder started, ISO 8601 UTC. */
  startedAt: string;
  /** The building process, so that a later build leaves a folder alone while its builder is still running. */
  pid: number;
  /**
   * When that process started (processes.ts processStart), so that a later process with the same pid (a container's
   * pid 1 after a restart) is not taken for the builder. Missing in markers of older Wirefolds and where /proc is.
   */
  processStartedAt?: string;
  /** Set on a site built by `wirefold demo`: the demo replaces only its own sites, never a real one. */
  demo?: boolean;
}

/** Writes the marker into dir (which must exist); returns what it wrote. */
export function writeSiteMarker(dir: string, now: Date = new Date(), demo = false): SiteMarker {
  const processStartedAt = processStart(process.pid);
  const marker: SiteMarker = { writtenBy: 'wirefold build', startedAt: now.toISOString(), pid: process.pid,
    ...(processStartedAt ? { processStartedAt } : {}), ...(demo ? { demo } : {}) };
  writeFileSync(join(dir, siteMarkerName), `${JSON.stringify(marker)}\n`);
  return marker;
}

/** The marker in dir, or null when there is none or it is not ours (unreadable, not JSON, another writer). */
export function readSiteMarker(dir: string): SiteMarker | null {
  try {
    return parseSiteMarker(readFileSync(join(dir, siteMarkerName), 'utf8'));
  } catch {
    return null;
  }
}

/** The marker that text holds (a marker file's content), or null when it holds none of ours. */
export function parseSiteMarker(text: string): SiteMarker | null {
  try {
    const value = JSON.parse(text) as Partial<SiteMarker>;
    if (value.writtenBy !== 'wirefold build' || typeof value.startedAt !== 'string' || typeof value.pid !== 'number') return null;
    return value as SiteMarker;
  } catch {
    return null;
  }
}
