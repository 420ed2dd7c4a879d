// The error every road-network importer throws: an InputFileError (file named, then the problem) that callers can
// also tell apart as a network import failure.
import { InputFileError } from './file-input.js';

/**
 * A road-network file could not be imported. The message always starts with the file, then the problem,
 * e.g. `data/x.osm.pbf: not an OSM PBF file (no OSMHeader block at the start)`.
 *
 * @example
 * try { await importOsm(file); } catch (e) { if (e instanceof NetworkImportError) console.error(e.message); }
 */
export class NetworkImportError extends InputFileError {
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(file, problem, options);
    this.name = 'NetworkImportError';
  }
}
