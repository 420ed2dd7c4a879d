// The fast subset of the fuzz suite (test/fuzz/fuzz-inputs.ts) that runs with `npm test`; `npm run fuzz` runs ≥ 100,000,
// and the cases the fuzzing found, kept as plain examples so that they are tried on every run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { readAvoidList } from '../../src/io/avoid-list.js';
import { readChargingSites } from '../../src/io/chargers.js';
import { InputFileError } from '../../src/io/file-input.js';
import { readServiceArea } from '../../src/io/service-area.js';
import { loadTrips } from '../../src/io/trips/index.js';
import { fuzzInputs } from './fuzz-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-fuzz-found-'));
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('fuzzing the inputs (fast subset)', () => {
  it('every hostile input ends in a result or an error naming its file or option, never a crash or a hang', async () => {
    const r = await fuzzInputs(40, 7);
    expect(r.failures).toEqual([]);
    expect(r.total).toBeGreaterThan(1000);
    for (const target of ['osm-pbf', 'service-area', 'chargers', 'avoid-list', 'command-line']) expect(r.counts[target]).toBeGreaterThanOrEqual(40);
  });
});

describe('what the fuzzing found', () => {
  it('a charging-site FeatureCollection with null among its features: an error naming the feature', () => {
    const graph = buildSyntheticCity({ seed: 3, widthM: 600, heightM: 600, blockM: 150 }).graph;
    const path = file('null-feature.geojson', '{"type":"FeatureCollection","features":[null]}');
    expect(() => readChargingSites(path, graph, { snapCutoffM: 250, defaultPowerKw: 50 })).toThrow(new InputFileError(path, 'feature 0: expected a GeoJSON Feature object, got null'));
  });

  it('GeoJSON nested thousands of levels deep: refused, not a stack overflow', () => {
    const depth = 20_000;
    const path = file('deep.geojson', `${'{"type":"GeometryCollection","geometries":['.repeat(depth)}${']}'.repeat(depth)}`);
    expect(() => readServiceArea(path)).toThrow(InputFileError);
    expect(() => readServiceArea(path)).toThrow(/nested more than 32 levels deep/);
    expect(() => readAvoidList(path)).toThrow(/nested more than 32 levels deep/);
  });

  it('a trip file whose header lacks the columns: an InputFileError with the header shown printable', async () => {
    const path = file('binary.csv', Buffer.from([0x00, 0x01, 0xfe, 0x2c, 0x41, 0x0a, 0x31, 0x0a]));
    const err = await loadTrips(path, { format: 'baton' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toMatch(new RegExp(`^${path}: lacks required columns for format "baton": .* \\(header: [\\x20-\\x7e]*\\)$`));
  });
});
