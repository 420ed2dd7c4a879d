// OpenStreetMap import (.osm.pbf, .osm XML, gzipped XML) into the CSR road graph: drivable ways, one-way rules,
// maxspeed and access tags, ways split at junctions, largest strongly connected component kept.
//
// Which ways count as drivable for a robotaxi (and why):
//   included  motorway, trunk, primary, secondary, tertiary, unclassified, residential, living_street, service,
//             and every *_link (→ RoadClass.ramp).
//   excluded  track (unpaved farm/forest roads), road (unclassified-unknown, usually unverified tracing),
//             construction / proposed / abandoned / disused (not open), busway / bus_guideway (buses only),
//             raceway, escape (runaway-truck ramps), and all foot/cycle classes (footway, path, pedestrian, steps,
//             cycleway, bridleway, corridor…); pedestrian zones only admit cars with explicit permits.
//   service   kept, including parking_aisle (pickups at malls, stations and depots happen in car parks) and alley;
//             service=driveway (private connectors to single buildings: dead-end stubs that would lure rider snapping
//             off the street), drive-through (fast-food loops) and emergency_access are excluded.
//   access    the most specific of motorcar > motor_vehicle > vehicle > access decides; no, private, agricultural,
//             forestry, emergency, psv, bus, military and delivery deny; destination and customers allow (dropping a
//             rider at their destination is what a robotaxi does). area=yes (squares, car-park outlines) is dropped.
//   oneway    yes/true/1 forward, -1/reverse backward, no/false/0 both ways; junction=roundabout/circular and
//             highway=motorway/motorway_link imply oneway unless oneway=no; oneway=reversible (direction changes by
//             time of day, unknowable here) drops the way; alternating (one lane, signals) counts as two-way.
//   ignored   turn restrictions (relations; they need an edge-based graph), oneway:<vehicle>, conditional tags.
//
// NOTE: memory: two passes over the file. Pass 1 keeps only the drivable ways (ids of their nodes); pass 2 keeps the
// coordinates of just the nodes those ways use, and stops as soon as it has all of them (in sorted PBF/XML files,
// nodes come first, so pass 2 reads only the node section). All other nodes are never stored.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { OSMTransform, type OSMOptions } from 'osm-pbf-parser-node';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { haversineM } from '../core/geo.js';
import { GraphBuilder, RoadClass, type BuildReport, type RoadClassName, type RoadGraph } from '../core/network/graph.js';
import { edgeTimeMs, speedTable, type SpeedTable } from '../core/network/speeds.js';
import { NetworkImportError } from './import-error.js';
import { describeFileError } from './file-input.js';

/** Attribution that must travel with any graph built from OSM data. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright)';

/** Drivable `highway=*` values and the road class each maps to. Anything not listed is not drivable. */
export const DRIVABLE_HIGHWAY: Readonly<Record<string, RoadClassName>> = {
  motorway: 'motorway',
  trunk: 'trunk',
  primary: 'primary',
  secondary: 'secondary',
  tertiary: 'tertiary',
  unclassified: 'unclassified',
  residential: 'residential',
  living_street: 'living_street',
  service: 'service',
  motorway_link: 'ramp',
  trunk_link: 'ramp',
  primary_link: 'ramp',
  secondary_link: 'ramp',
  tertiary_link: 'ramp',
};

/** `service=*` values that make a highway=service way non-drivable for a robotaxi (see the file header). */
export const EXCLUDED_SERVICE = new Set(['driveway', 'drive-through', 'emergency_access']);

/** Access values that forbid a robotaxi. */
const ACCESS_DENIED = new Set(['no', 'private', 'agricultural', 'forestry', 'emergency', 'psv', 'bus', 'military', 'delivery']);
/** Access keys from the most specific to the most general: the first one present decides. */
const ACCESS_KEYS = ['motorcar', 'motor_vehicle', 'vehicle', 'access'] as const;

/** Way tags the importer reads; the PBF parser is told to keep only these (fewer strings allocated). */
const WAY_TAG_KEYS = [
  'highway',
  'service',
  'area',
  'oneway',
  'junction',
  'maxspeed',
  'maxspeed:forward',
  'maxspeed:backward',
  'name',
  ...ACCESS_KEYS,
];

/** Parsed speed limits are clamped into this range (km/h): below it is a typo or a walking-pace sign, above it a typo. */
export const MAXSPEED_MIN_KPH = 5;
export const MAXSPEED_MAX_KPH = 150;

const KPH_PER_UNIT: Readonly<Record<string, number>> = { '': 1, 'km/h': 1, kmh: 1, kph: 1, mph: 1.609344, knots: 1.852 };

/**
 * Parses an OSM `maxspeed` value to km/h, or null where the tag gives no number (absent, `none`, `signals`,
 * `walk`, `variable`, implicit country/zone values like `DE:urban` or `FR:zone30`): the caller then uses the default
 * for the road class. Several values (`50;30`) give the lowest. Numbers are clamped to [5, 150] km/h.
 *
 * @example parseMaxspeedKph('30 mph') // 48.28
 */
export function parseMaxspeedKph(value: string | undefined): number | null {
  if (value === undefined) return null;
  let best: number | null = null;
  for (const part of value.split(';')) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?\s*$/i.exec(part);
    if (!m) continue;
    const kph = Number(m[1]) * KPH_PER_UNIT[(m[2] ?? '').toLowerCase()];
    if (!(kph > 0)) continue;
    const clamped = Math.min(MAXSPEED_MAX_KPH, Math.max(MAXSPEED_MIN_KPH, kph));
    if (best === null || clamped < best) best = clamped;
  }
  return best === null ? null : Math.round(best * 100) / 100;
}

/** Direction of travel relative to the way's node order. */
export type WayDirection = 'both' | 'forward' | 'backward';

/**
 * The travel direction a way's tags allow: explicit `oneway` first, then the implications of junction=roundabout /
 * circular and highway=motorway / motorway_link. Returns 'reversible' for ways whose direction changes by time.
 */
export function parseOneway(tags: Readonly<Record<string, string | undefined>>): WayDirection | 'reversible' {
  const v = tags.oneway?.trim().toLowerCase();
  switch (v) {
    case 'yes':
    case 'true':
    case '1':
      return 'forward';
    case '-1':
    case 'reverse':
      return 'backward';
    case 'no':
    case 'false':
    case '0':
    case 'alternating':
      return 'both';
    case 'reversible':
      return 'reversible';
  }
  const junction = tags.junction;
  if (junction === 'roundabout' || junction === 'circular') return 'forward';
  if (tags.highway === 'motorway' || tags.highway === 'motorway_link') return 'forward';
  return 'both';
}

/** Why a highway way was not imported (counted in the stats). */
export type ExclusionReason = 'class' | 'service' | 'access' | 'area' | 'reversible';

/** The verdict on one way's tags: not drivable (with why), or its class, direction and speeds. */
export type WayVerdict =
  | { drivable: false; reason: ExclusionReason | 'not-highway' }
  | {
      drivable: true;
      roadClass: RoadClassName;
      direction: WayDirection;
      /** Speed used along / against the node order (km/h). */
      forwardKph: number;
      backwardKph: number;
      /** True if a maxspeed tag gave a number (else the class default was used). */
      maxspeedParsed: boolean;
      /** True if a maxspeed tag was present but gave no number (`none`, zones, garbage). */
      maxspeedUnrecognised: boolean;
    };

/** Classifies one way from its tags (pure): the single place the inclusion rules in the file header live. */
export function classifyWay(tags: Readonly<Record<string, string | undefined>>, speeds: SpeedTable): WayVerdict {
  const highway = tags.highway;
  if (highway === undefined) return { drivable: false, reason: 'not-highway' };
  const roadClass = DRIVABLE_HIGHWAY[highway];
  if (roadClass === undefined) return { drivable: false, reason: 'class' };
  if (highway === 'service' && tags.service !== undefined && EXCLUDED_SERVICE.has(tags.service)) {
    return { drivable: false, reason: 'service' };
  }
  if (tags.area === 'yes') return { drivable: false, reason: 'area' };
  for (const key of ACCESS_KEYS) {
    const v = tags[key];
    if (v === undefined) continue;
    if (ACCESS_DENIED.has(v.trim().toLowerCase())) return { drivable: false, reason: 'access' };
    break;
  }
  const direction = parseOneway(tags);
  if (direction === 'reversible') return { drivable: false, reason: 'reversible' };
  const both = parseMaxspeedKph(tags.maxspeed);
  const fwd = parseMaxspeedKph(tags['maxspeed:forward']) ?? both;
  const bwd = parseMaxspeedKph(tags['maxspeed:backward']) ?? both;
  const fallback = speeds[roadClass];
  const anyTag = tags.maxspeed !== undefined || tags['maxspeed:forward'] !== undefined || tags['maxspeed:backward'] !== undefined;
  const parsed = fwd !== null || bwd !== null;
  return {
    drivable: true,
    roadClass,
    direction,
    forwardKph: fwd ?? fallback,
    backwardKph: bwd ?? fallback,
    maxspeedParsed: parsed,
    maxspeedUnrecognised: anyTag && !parsed,
  };
}

/** One drivable way as read in pass 1. */
export interface DrivableWay {
  id: number;
  /** OSM node ids in way order. */
  nodeIds: Float64Array;
  highway: string;
  roadClass: RoadClassName;
  direction: WayDirection;
  forwardKph: number;
  backwardKph: number;
  name: string | undefined;
}

/** What the import read and decided, for reporting. */
export interface OsmImportStats {
  format: OsmFormat;
  /** Ways in the file, of which tagged highway, of which drivable (imported). */
  waysRead: number;
  highwayWays: number;
  drivableWays: number;
  /** Drivable ways passable in one direction only. */
  onewayWays: number;
  /** Highway ways left out, by reason. */
  excluded: Record<ExclusionReason, number>;
  /** Drivable ways whose speed came from a maxspeed tag / from the class default (absent or unrecognised tag). */
  maxspeedParsed: number;
  maxspeedDefaulted: number;
  /** Drivable ways with a maxspeed tag that gave no number (`none`, zone values…); included in maxspeedDefaulted. */
  maxspeedUnrecognised: number;
  /** Nodes used by drivable ways (set by importOsm), and references to nodes missing from the file (clipped extracts). */
  nodesNeeded: number;
  missingNodeRefs: number;
  elapsedMs: number;
}

/** Result of an OSM import. */
export interface OsmImport {
  graph: RoadGraph;
  report: BuildReport;
  stats: OsmImportStats;
}

export type OsmFormat = 'pbf' | 'xml' | 'xml.gz';

/**
 * Imports an OpenStreetMap file into a RoadGraph restricted to its largest strongly connected component.
 * The format is detected from the content (gzip by magic bytes, PBF by its OSMHeader block, XML by `<`).
 * Throws NetworkImportError naming the file for missing, empty, corrupt or unsupported files and for files
 * without drivable roads.
 *
 * @example
 * const { graph, report, stats } = await importOsm('data/monaco.osm.pbf', { speeds: { residential: 25 } });
 */
export async function importOsm(path: string, opts: { speeds?: Partial<Record<string, number>> } = {}): Promise<OsmImport> {
  const started = performance.now();
  const speeds = speedTable(opts.speeds);
  const { ways, stats } = await readDrivableWays(path, speeds);

  // Count how many times drivable ways use each node: nodes used twice (junctions, loop closures) split ways.
  const slotOf = new Map<number, number>();
  const slotIds: number[] = [];
  const uses: number[] = [];
  for (const w of ways) {
    for (const id of w.nodeIds) {
      const s = slotOf.get(id);
      if (s === undefined) {
        slotOf.set(id, slotIds.length);
        slotIds.push(id);
        uses.push(1);
      } else uses[s]++;
    }
  }
  const n = slotIds.length;
  stats.nodesNeeded = n;
  const lat = new Float64Array(n).fill(NaN);
  const lon = new Float64Array(n).fill(NaN);
  let found = 0;
  await readOsm(path, stats.format, {
    node(id, la, lo) {
      const s = slotOf.get(id);
      if (s !== undefined && Number.isNaN(lat[s])) {
        lat[s] = la;
        lon[s] = lo;
        if (++found === n) return false;
      }
      return true;
    },
  });

  const builder = new GraphBuilder();
  const graphIndex = new Int32Array(n).fill(-1);
  const nodeOf = (s: number): number => {
    if (graphIndex[s] < 0) graphIndex[s] = builder.addNode(slotIds[s], lat[s], lon[s]);
    return graphIndex[s];
  };
  let missingRefs = 0;
  const shapeLat: number[] = [];
  const shapeLon: number[] = [];
  for (const w of ways) {
    const cls = RoadClass[w.roadClass];
    let start = -1; // slot where the current edge began; -1 while outside a run of nodes with coordinates
    let lengthM = 0;
    let prev = -1;
    for (let k = 0; k < w.nodeIds.length; k++) {
      const s = slotOf.get(w.nodeIds[k])!;
      if (Number.isNaN(lat[s])) {
        // A node the extract clipped away: the way is cut here, its present neighbours become edge ends.
        missingRefs++;
        if (start >= 0 && prev !== start) {
          shapeLat.pop(); // prev was stored as a shape point; it is the edge's end now
          shapeLon.pop();
          emit(w, cls, start, prev, lengthM);
        }
        start = -1;
        continue;
      }
      if (start < 0) {
        start = prev = s;
        lengthM = 0;
        shapeLat.length = shapeLon.length = 0;
        continue;
      }
      lengthM += haversineM(lat[prev], lon[prev], lat[s], lon[s]);
      prev = s;
      const last = k === w.nodeIds.length - 1;
      if (last || uses[s] >= 2) {
        emit(w, cls, start, s, lengthM);
        start = s;
        lengthM = 0;
        shapeLat.length = shapeLon.length = 0;
      } else {
        shapeLat.push(lat[s]);
        shapeLon.push(lon[s]);
      }
    }
  }
  stats.missingNodeRefs = missingRefs;
  if (builder.edgeCount === 0) {
    throw new NetworkImportError(path, `the ${stats.drivableWays} drivable ways reference no nodes present in the file`);
  }
  const { graph, report } = builder.build({
    source: basename(path),
    attribution: OSM_ATTRIBUTION,
    extra: { importer: 'osm', format: stats.format, speedsKph: speeds },
  });
  stats.elapsedMs = Math.round(performance.now() - started);
  return { graph, report, stats };

  function emit(w: DrivableWay, cls: number, fromSlot: number, toSlot: number, lengthM: number): void {
    const from = nodeOf(fromSlot);
    const to = nodeOf(toSlot);
    if (w.direction !== 'backward') {
      builder.addEdge({ from, to, lengthM, timeMs: edgeTimeMs(lengthM, w.forwardKph), roadClass: cls, shapeLat, shapeLon });
    }
    if (w.direction !== 'forward') {
      builder.addEdge({
        from: to,
        to: from,
        lengthM,
        timeMs: edgeTimeMs(lengthM, w.backwardKph),
        roadClass: cls,
        shapeLat: shapeLat.slice().reverse(),
        shapeLon: shapeLon.slice().reverse(),
      });
    }
  }
}

/**
 * Pass 1 of the import, exported for tools and tests: detects the format, reads every way and keeps the drivable
 * ones with their class, direction and speeds. Throws NetworkImportError as importOsm does.
 */
export async function readDrivableWays(
  path: string,
  speeds: SpeedTable = speedTable(),
): Promise<{ ways: DrivableWay[]; stats: OsmImportStats }> {
  const format = await detectFormat(path);
  const stats: OsmImportStats = {
    format,
    waysRead: 0,
    highwayWays: 0,
    drivableWays: 0,
    onewayWays: 0,
    excluded: { class: 0, service: 0, access: 0, area: 0, reversible: 0 },
    maxspeedParsed: 0,
    maxspeedDefaulted: 0,
    maxspeedUnrecognised: 0,
    nodesNeeded: 0,
    missingNodeRefs: 0,
    elapsedMs: 0,
  };
  const ways: DrivableWay[] = [];
  await readOsm(path, format, {
    way(id, refs, tags) {
      stats.waysRead++;
      const v = classifyWay(tags, speeds);
      if (!v.drivable) {
        if (v.reason !== 'not-highway') {
          stats.highwayWays++;
          stats.excluded[v.reason]++;
        }
        return true;
      }
      stats.highwayWays++;
      if (refs.length < 2) return true;
      stats.drivableWays++;
      if (v.direction !== 'both') stats.onewayWays++;
      if (v.maxspeedParsed) stats.maxspeedParsed++;
      else stats.maxspeedDefaulted++;
      if (v.maxspeedUnrecognised) stats.maxspeedUnrecognised++;
      ways.push({
        id,
        nodeIds: Float64Array.from(refs),
        highway: tags.highway!,
        roadClass: v.roadClass,
        direction: v.direction,
        forwardKph: v.forwardKph,
        backwardKph: v.backwardKph,
        name: tags.name,
      });
      return true;
    },
  });
  if (ways.length === 0) {
    throw new NetworkImportError(
      path,
      `no drivable highway ways found in ${basename(path)} (${stats.waysRead} ways read, ${stats.highwayWays} tagged highway)`,
    );
  }
  return { ways, stats };
}

/** Callbacks for the elements of an OSM file; returning false stops the reading. */
interface OsmVisitor {
  node?(id: number, lat: number, lon: number): boolean;
  way?(id: number, refs: readonly number[], tags: Readonly<Record<string, string | undefined>>): boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Detects the format from the first bytes, with messages that say what the file looks like instead. */
async function detectFormat(path: string): Promise<OsmFormat> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new NetworkImportError(path, st.isDirectory() ? 'is a folder, not a regular file; give the OSM file' : 'not a regular file (a device, pipe or socket); give the OSM file');
    size = st.size;
  } catch (err) {
    if (err instanceof NetworkImportError) throw err;
    throw fileError(path, err);
  }
  if (size === 0) throw new NetworkImportError(path, 'file is empty');
  const head = Buffer.alloc(Math.min(64, size));
  try {
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileError(path, err);
  }
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return 'xml.gz';
  if (isPbfStart(head)) return 'pbf';
  if (startsLikeXml(head)) return 'xml';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') {
    throw new NetworkImportError(path, 'bzip2-compressed files are not supported; decompress it (bunzip2) or convert to .osm.pbf');
  }
  const what = /\.pbf$/i.test(path) ? 'not an OSM PBF file (no OSMHeader block at the start)' : 'unsupported format: not OSM PBF, OSM XML or gzipped OSM XML';
  throw new NetworkImportError(path, `${what}; it starts with "${preview(head)}"`);
}

/** A PBF file starts with a 4-byte big-endian BlobHeader length, then the BlobHeader whose type is "OSMHeader". */
function isPbfStart(head: Buffer): boolean {
  if (head.length < 16) return false;
  const len = head.readUInt32BE(0);
  return len > 0 && len < 64 * 1024 && head[4] === 0x0a && head.subarray(5, 5 + 32).includes('OSMHeader');
}

function startsLikeXml(head: Buffer): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // UTF-8 byte-order mark
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c; // '<'
}

function preview(bytes: Buffer | string): string {
  const s = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  return s.slice(0, 24).replace(/[^\x20-\x7e]/g, '.');
}

function fileError(path: string, err: unknown): NetworkImportError {
  return new NetworkImportError(path, describeFileError(err, 'read'), { cause: err });
}

/** Streams the elements of an OSM file of a known format into the visitor. */
async function readOsm(path: string, format: OsmFormat, visit: OsmVisitor): Promise<void> {
  try {
    if (format === 'pbf') await readPbf(path, visit);
    else await readXml(path, format === 'xml.gz', visit);
  } catch (err) {
    if (err instanceof NetworkImportError) throw err;
    const e = err as NodeJS.ErrnoException;
    const msg = e?.message ?? String(err);
    let problem: string;
    if (typeof e?.code === 'string' && e.code.startsWith('Z_')) problem = `corrupt gzip data (${msg})`;
    else if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) throw fileError(path, err);
    else if (format === 'pbf') problem = `corrupt or unsupported OSM PBF data (${msg})`;
    else problem = `malformed OSM XML (${msg})`;
    throw new NetworkImportError(path, problem, { cause: err });
  }
}

interface PbfItem {
  type: 'node' | 'way' | 'relation' | undefined;
  id: number;
  lat: number;
  lon: number;
  refs: number[];
  tags?: Record<string, string>;
}

/**
 * Drives the PBF parser's Transform by hand (write a chunk, drain what it parsed) instead of `.pipe()`:
 * with pipe, a parse error thrown inside the transform escapes as an uncaught exception rather than reaching us.
 */
async function readPbf(path: string, visit: OsmVisitor): Promise<void> {
  const options: OSMOptions = {
    withTags: { node: false, way: visit.way ? WAY_TAG_KEYS : false, relation: false },
    withInfo: false,
  };
  const parser = new OSMTransform(options);
  let asyncError: unknown = null;
  parser.on('error', (e) => (asyncError ??= e));
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input) {
      parser.write(chunk);
      for (let batch = parser.read() as PbfItem[] | null; batch !== null; batch = parser.read() as PbfItem[] | null) {
        for (const item of batch) {
          if (item.type === 'node') {
            if (visit.node && !visit.node(item.id, item.lat, item.lon)) return;
          } else if (item.type === 'way') {
            if (visit.way && !visit.way(item.id, item.refs, item.tags ?? {})) return;
          }
        }
      }
      if (asyncError) throw asyncError;
    }
    // Ending runs the parser's final check that the file did not stop in the middle of a block.
    await new Promise<void>((resolve, reject) => {
      parser.once('error', reject);
      parser.once('finish', resolve);
      parser.end();
    });
    if (asyncError) throw asyncError;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** False for objects a history file marks invisible or a JOSM-saved file marks deleted. */
function isLive(a: Record<string, string>): boolean {
  return a.visible !== 'false' && a.action !== 'delete';
}

/** Streams OSM XML (optionally gzipped) through saxes; only `<osm>` documents are accepted. */
async function readXml(path: string, gzipped: boolean, visit: OsmVisitor): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let input: Readable = file;
  if (gzipped) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    input = file.pipe(gunzip);
  }
  input.setEncoding('utf8');
  const parser = new SaxesParser();
  let stopped = false;
  let sawRoot = false;
  let wayId = -1;
  let refs: number[] = [];
  let tags: Record<string, string> = {};
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const a = tag.attributes;
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== 'osm') throw new NetworkImportError(path, `not an OSM XML file: root element is <${tag.name}>, expected <osm>`);
      return;
    }
    if (stopped) return;
    switch (tag.name) {
      case 'node':
        if (visit.node && isLive(a) && !visit.node(Number(a.id), Number(a.lat), Number(a.lon))) stopped = true;
        break;
      case 'way':
        wayId = isLive(a) ? Number(a.id) : -1;
        refs = [];
        tags = {};
        break;
      case 'nd':
        if (wayId >= 0) refs.push(Number(a.ref));
        break;
      case 'tag':
        if (wayId >= 0) tags[a.k] = a.v;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name !== 'way' || stopped || wayId < 0) return;
    if (visit.way && !visit.way(wayId, refs, tags)) stopped = true;
    wayId = -1;
  });
  let first = true;
  try {
    for await (const chunk of input) {
      const text = chunk as string;
      if (first && gzipped && !/^\uFEFF?\s*</.test(text)) {
        throw new NetworkImportError(path, `gzip content is not OSM XML; it starts with "${preview(text)}"`);
      }
      first = false;
      parser.write(text);
      if (stopped) return;
    }
    if (first) throw new NetworkImportError(path, 'gzip content is empty');
    parser.close();
  } finally {
    file.destroy();
    input.destroy();
  }
}
