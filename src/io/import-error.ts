// The one error type every road-network importer throws, so that callers (CLI, service) can report bad input uniformly.

/**
 * A road-network file could not be imported. The message always starts with the file, then the problem,
 * e.g. `data/x.osm.pbf: not an OSM PBF file (no OSMHeader block at the start)`.
 *
 * @example
 * try { await importOsm(file); } catch (e) { if (e instanceof NetworkImportError) console.error(e.message); }
 */
export class NetworkImportError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'NetworkImportError';
  }
}
