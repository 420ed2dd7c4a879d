// Locates the team's reference data in ../shared/data (never copied into the repo) and says clearly when it is absent.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA_DIR = resolve(import.meta.dirname, '../../shared/data');

/** Absolute path of a file under ../shared/data. */
export function sharedData(rel: string): string {
  return resolve(SHARED_DATA_DIR, rel);
}

/** True if all files exist; otherwise warns once, naming the missing ones, so a skipped test says why. */
export function haveSharedData(...rels: string[]): boolean {
  const missing = rels.map(sharedData).filter((p) => !existsSync(p));
  if (missing.length > 0) console.warn(`skipping: reference data not found: ${missing.join(', ')}`);
  return missing.length === 0;
}

export const SF_NODES = 'san-francisco/sf_road_nodes.csv.gz';
export const SF_EDGES = 'san-francisco/sf_road_edges.csv.gz';
