// The fuzz suite's targets beyond trip rows and network files: OSM PBF, the GeoJSON and CSV place files (service
// area, charging sites, avoid list) and whole command lines parsed by the real `baton` program. See fuzz-inputs.ts
// for the property every target checks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CommanderError, type Command } from 'commander';
import fc from 'fast-check';
import { UsageError } from '../../src/cli/args.js';
import { createProgram } from '../../src/cli/program.js';
import { settingInputs } from '../../src/cli/scenario-cli.js';
import { DEFAULT_SYNTHETIC_DEMAND } from '../../src/core/demand/synthetic-demand.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { readAvoidList, resolveAvoidList } from '../../src/io/avoid-list.js';
import { readChargingSites } from '../../src/io/chargers.js';
import { checkMemoryBudget } from '../../src/io/memory-budget.js';
import { importOsm } from '../../src/io/osm.js';
import { checkOutputs, OutputFileError } from '../../src/io/output-file.js';
import { readServiceArea } from '../../src/io/service-area.js';
import { parseFleetSizeSettings, parseSimSettings, SETTING_OPTIONS, SettingsError, type SettingKey } from '../../src/io/settings.js';
import { encodePbf, primitiveBlock, type PbfNode, type PbfWay } from './pbf-writer.js';

/** What fuzzInputs hands each target: the scratch folder, the tally, fast-check parameters and the file property. */
export interface FuzzContext {
  dir: string;
  note(target: string, failure: string | undefined): void;
  params: { numRuns: number; seed: number; endOnFailure: false };
  fileOutcome(path: string, read: () => Promise<unknown> | unknown): Promise<string | undefined>;
  field: fc.Arbitrary<string>;
  next(): number;
}

/** Bytes cut at `cut` and overwritten at a few places. */
const mangle = (good: Buffer, cut: number, flips: { at: number; byte: number }[]): Buffer => {
  const bytes = Buffer.from(good.subarray(0, Math.max(1, cut)));
  for (const { at, byte } of flips) if (at < bytes.length) bytes[at] = byte;
  return bytes;
};
const flipsOf = (length: number) => fc.array(fc.record({ at: fc.nat(Math.max(0, length - 1)), byte: fc.nat(255) }), { maxLength: 8 });

/** A 3×3 grid of streets near 47°N 8°E: the well-formed base the mutations start from. */
function gridNetwork(): { nodes: PbfNode[]; ways: PbfWay[] } {
  const nodes: PbfNode[] = [];
  for (let i = 0; i < 9; i++) nodes.push({ id: i + 1, lat: 47 + Math.floor(i / 3) * 0.001, lon: 8 + (i % 3) * 0.001 });
  const ways: PbfWay[] = [
    { id: 10, refs: [1, 2, 3], tags: { highway: 'residential' } },
    { id: 11, refs: [4, 5, 6], tags: { highway: 'primary', maxspeed: '50' } },
    { id: 12, refs: [7, 8, 9], tags: { highway: 'residential', oneway: 'yes' } },
    { id: 13, refs: [1, 4, 7], tags: { highway: 'secondary' } },
    { id: 14, refs: [3, 6, 9], tags: { highway: 'residential', oneway: '-1' } },
  ];
  return { nodes, ways };
}

/**
 * OSM PBF: generated networks of any shape (ids from 0 to past 2^53, coordinates out of range, refs to absent nodes,
 * every kind of tag) written as well-formed files; well-formed files cut short or with bytes overwritten; a corrupt
 * PrimitiveBlock inside valid compression; raw (uncompressed) blocks.
 */
export async function fuzzOsmPbf(ctx: FuzzContext, runs: number): Promise<void> {
  const id = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: -5, max: 2 ** 40 }), fc.constantFrom(0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53)));
  const coord = fc.oneof(fc.double({ min: 46.99, max: 47.01, noNaN: true }), fc.double({ min: 7.99, max: 8.01, noNaN: true }), fc.double({ min: -400, max: 400, noNaN: true }));
  const tagKey = fc.oneof(fc.constantFrom('highway', 'oneway', 'maxspeed', 'access', 'junction', 'service', 'area', 'motor_vehicle', 'name'), fc.string({ maxLength: 8 }));
  const tagValue = fc.oneof(
    fc.constantFrom('residential', 'primary', 'motorway', 'motorway_link', 'service', 'driveway', 'living_street', 'track', '-1', 'yes', 'no', 'reversible', 'roundabout', '50 mph', '30', '0', 'none', 'walk', '1e309', 'private'),
    ctx.field,
  );
  const node = fc.record({ id, lat: coord, lon: coord });
  const way = fc.record({ id, refs: fc.array(id, { maxLength: 8 }), tags: fc.dictionary(tagKey, tagValue, { maxKeys: 4 }) });
  const base = gridNetwork();
  const good = encodePbf(base.nodes, base.ways);
  const goodBlock = primitiveBlock(base.nodes, base.ways);
  const input = fc.oneof(
    fc.record({ nodes: fc.array(node, { maxLength: 12 }), ways: fc.array(way, { maxLength: 6 }), keep: fc.boolean() }).map(({ nodes, ways, keep }) =>
      keep ? encodePbf([...base.nodes, ...nodes], [...base.ways, ...ways]) : encodePbf(nodes, ways),
    ),
    fc.tuple(fc.nat(good.length), flipsOf(good.length)).map(([cut, flips]) => mangle(good, cut, flips)),
    flipsOf(goodBlock.length).map((flips) => encodePbf([], [], { block: [...mangle(Buffer.from(goodBlock), goodBlock.length, flips)] })),
    fc.constant(encodePbf(base.nodes, base.ways, { raw: true })),
  );
  await fc.assert(
    fc.asyncProperty(input, async (bytes) => {
      const path = join(ctx.dir, `p${ctx.next()}.osm.pbf`);
      writeFileSync(path, bytes);
      ctx.note('osm-pbf', await ctx.fileOutcome(path, () => importOsm(path)));
    }),
    { ...ctx.params, numRuns: runs },
  );
}

/**
 * The place files: random GeoJSON (every geometry and feature type, positions of every shape, properties of every
 * kind, deep nesting), CSV with the columns the readers look for, truncated JSON, text, gzip; each file read as a
 * service area, as charging sites and as an avoid list placed on a small network.
 */
export async function fuzzPlaceFiles(ctx: FuzzContext, runs: number): Promise<void> {
  const graph = buildSyntheticCity({ seed: 3, widthM: 600, heightM: 600, blockM: 150 }).graph;
  let latC = 0;
  let lonC = 0;
  for (let v = 0; v < graph.nodeCount; v++) {
    latC += graph.lat[v] / graph.nodeCount;
    lonC += graph.lon[v] / graph.nodeCount;
  }
  const near = (c: number) => fc.double({ min: c - 0.005, max: c + 0.005, noNaN: true });
  const num = fc.oneof(near(lonC), near(latC), fc.double(), fc.constantFrom(0, -181, 91, 1e308, -0), fc.constant(null), fc.string({ maxLength: 3 }));
  const position = fc.oneof(fc.tuple(near(lonC), near(latC)), fc.array(num, { maxLength: 4 }), num);
  const ring = fc.oneof(
    fc.array(fc.tuple(near(lonC), near(latC)), { minLength: 3, maxLength: 6 }).map((ps) => [...ps, ps[0]]),
    fc.array(position, { maxLength: 6 }),
  );
  const anything = fc.jsonValue({ maxDepth: 3 });
  const geometryType = fc.oneof(fc.constantFrom('Polygon', 'MultiPolygon', 'Point', 'MultiPoint', 'LineString', 'GeometryCollection', 'Feature', 'FeatureCollection'), fc.string({ maxLength: 6 }));
  const properties = fc.oneof(
    fc.constant(null),
    fc.record({ plugs: fc.oneof(fc.nat(20), num, anything), powerKw: fc.oneof(fc.double(), num), node_id: fc.oneof(fc.nat(100), num, anything) }, { requiredKeys: [] }),
    anything,
  );
  const { geo } = fc.letrec<{ geo: unknown; geometry: unknown; feature: unknown }>((tie) => ({
    geometry: fc.record({
      type: geometryType,
      coordinates: fc.oneof(position, fc.array(position, { maxLength: 5 }), fc.array(ring, { maxLength: 3 }), fc.array(fc.array(ring, { maxLength: 2 }), { maxLength: 2 }), anything),
    }),
    feature: fc.record({ type: fc.constant('Feature'), geometry: fc.oneof(tie('geometry'), fc.constant(null), anything), properties }, { requiredKeys: ['type'] }),
    geo: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('geometry'),
      tie('feature'),
      fc.record({ type: fc.constant('FeatureCollection'), features: fc.oneof(fc.array(fc.oneof(tie('feature'), anything), { maxLength: 4 }), anything) }),
      fc.record({ type: fc.constant('GeometryCollection'), geometries: fc.oneof(fc.array(tie('geo'), { maxLength: 3 }), anything) }),
      anything,
    ),
  }));
  const csvHeader = fc.oneof(
    fc.constantFrom('node_id', 'lat,lon', 'lon,lat,plugs', 'lon,lat,plugs,powerKw', 'latitude,longitude,plugs,power_kw', 'id'),
    fc.array(fc.constantFrom('lat', 'lon', 'plugs', 'powerKw', 'node_id', '#', ''), { maxLength: 5 }).map((h) => h.join(',')),
  );
  const csvField = fc.oneof(ctx.field, near(latC).map(String), near(lonC).map(String), fc.nat(60).map(String));
  const csv = fc.tuple(csvHeader, fc.array(fc.array(csvField, { maxLength: 5 }), { maxLength: 8 })).map(([h, rows]) => `${h}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const text = fc.oneof(
    geo.map((g) => JSON.stringify(g) ?? 'null'),
    fc.tuple(geo.map((g) => JSON.stringify(g) ?? 'null'), fc.nat()).map(([t, cut]) => t.slice(0, cut % (t.length + 1))),
    fc.nat(50_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    fc.nat(20_000).map((depth) => `${'{"type":"GeometryCollection","geometries":['.repeat(depth)}${']}'.repeat(depth)}`),
    csv,
    fc.string({ maxLength: 80 }),
  );
  await fc.assert(
    fc.asyncProperty(text, fc.boolean(), async (t, gz) => {
      const path = join(ctx.dir, `a${ctx.next()}.geojson${gz ? '.gz' : ''}`);
      writeFileSync(path, gz ? gzipSync(t) : t);
      ctx.note('service-area', await ctx.fileOutcome(path, () => readServiceArea(path)));
      ctx.note('chargers', await ctx.fileOutcome(path, () => readChargingSites(path, graph, { snapCutoffM: 250, defaultPowerKw: 50 })));
      ctx.note('avoid-list', await ctx.fileOutcome(path, () => resolveAvoidList(path, readAvoidList(path), graph, 50)));
    }),
    { ...ctx.params, numRuns: runs },
  );
}

const SCENARIO_COMMANDS = ['simulate', 'compare', 'fleet-size'] as const;

/** Every command of the program answers parse errors by throwing, and prints nothing. */
function silence(c: Command): void {
  c.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const sub of c.commands) silence(sub);
}

/** The settings a scenario command's parsed options hold, keyed as the settings schema names them. */
function settingsFromOptions(cmd: Command, opts: Record<string, unknown>): Record<string, unknown> {
  const byFlag = new Map(Object.entries(SETTING_OPTIONS).map(([key, o]) => [o.flags.split(' ')[0], key as SettingKey]));
  const input: Record<string, unknown> = {};
  for (const option of cmd.options) {
    const key = option.long ? byFlag.get(option.long) : undefined;
    const value = opts[option.attributeName()];
    if (key !== undefined && value !== undefined) input[key] = value;
  }
  return input;
}

/**
 * Command lines of simulate, compare and fleet-size, built from every option the commands have (from the settings
 * table) plus unknown ones, with hostile values, parsed by the real program; then the checks each command makes before
 * any work: the settings, the outputs (paths are checked, never written) and the memory budget.
 */
export async function fuzzCommandLines(ctx: FuzzContext, runs: number): Promise<void> {
  const program = createProgram();
  const flags = [...new Set(SCENARIO_COMMANDS.flatMap((name) => program.commands.find((c) => c.name() === name)!.options.map((o) => o.long!)))];
  const flag = fc.oneof(fc.constantFrom(...flags), fc.constantFrom('--flet', '--', '-x', '--fleet=5', '--json=', '--no-fleet', '-h', '--version'));
  const value = fc.oneof(
    ctx.field,
    fc.constantFrom('0', '-1', '1e309', '9007199254740993', '10000001', '1.5', '100', '0.95', '95', '-122.5,37.7,-122.3,37.8', '25:00-26:00', '07:00-06:00', '2024-13-01', 'greedy,magic', 'greedy,greedy', 'auto', 'synthetic:nodes=1e12', ''),
    fc.constantFrom('/dev/full', '/dev/null', '/nonexistent/k.json', '/', '.', 'package.json', ctx.dir),
    fc.double().map(String),
    fc.integer().map(String),
  );
  const line = fc.record({ command: fc.constantFrom(...SCENARIO_COMMANDS), tokens: fc.array(fc.oneof(flag, value, flag, value, flag), { maxLength: 12 }) });
  await fc.assert(
    fc.asyncProperty(line, async ({ command, tokens }) => {
      const fresh = createProgram();
      silence(fresh);
      const cmd = fresh.commands.find((c) => c.name() === command)!;
      let opts: Record<string, unknown> | undefined;
      cmd.action((o: Record<string, unknown>) => {
        opts = o;
      });
      try {
        await fresh.parseAsync(['node', 'baton', command, ...tokens]);
        if (!opts) throw new Error('the command did not run');
        const input = settingsFromOptions(cmd, opts);
        const settings = command === 'fleet-size' ? parseFleetSizeSettings(input) : parseSimSettings(input);
        const outputs = ['json', 'events', 'report'].map((k) => (typeof opts![k] === 'string' ? { option: `--${k}`, file: opts![k] as string } : undefined));
        checkOutputs(outputs, settingInputs(settings));
        checkMemoryBudget({ fleet: settings.fleet, requests: settings.trips ? undefined : (settings.requests ?? DEFAULT_SYNTHETIC_DEMAND.trips) });
        ctx.note('command-line', undefined);
      } catch (err) {
        const e = err as Error;
        const expected =
          (e instanceof CommanderError && /^error: /.test(e.message)) ||
          (e instanceof CommanderError && ['commander.helpDisplayed', 'commander.version'].includes(e.code)) ||
          (e instanceof SettingsError && (/--[a-z]/.test(e.message) || /unknown setting/.test(e.message))) ||
          (e instanceof UsageError && /--[a-z]/.test(e.message)) ||
          (e instanceof OutputFileError && /^--(json|events|report) /.test(e.message));
        ctx.note('command-line', expected ? undefined : `baton ${command} ${JSON.stringify(tokens)} → ${e?.name}: ${e?.message}\n${e?.stack}`);
      }
    }),
    { ...ctx.params, numRuns: runs },
  );
}
