// The replay protocol: what a replay server sends the dashboard in one response. A scene (timeline, network layer,
// where the log came from) packed as magic + JSON header + 8-byte-aligned typed arrays, read back as zero-copy views.
//
// Layout: bytes 0–7 "BATONRP1"; uint32 LE header length; the UTF-8 JSON header padded with spaces so that the first
// array starts on an 8-byte boundary; then each array of header.arrays in order, each padded to 8 bytes.
import type { FleetStatusSeries, HourlyFlows } from '../metrics/report-series.js';
import type { Kpis } from '../metrics/kpis.js';
import type { PolygonRings } from '../network/area.js';
import type { RoadLayer } from './road-layer.js';
import { KPI_SAMPLE_FIELDS, type KpiSampleField, type ReplayTimeline } from './timeline.js';

const MAGIC = 'BATONRP1';
const PREFIX_BYTES = 12;

/** The road network as the dashboard draws it. */
export interface ReplayNetwork {
  source: string;
  attribution: string;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  nodeLon: Float32Array;
  nodeLat: Float32Array;
  roads: RoadLayer;
}

/** Everything the dashboard shows of one recorded run. */
export interface ReplayScene {
  /** The event log's file name and event count. */
  log: { name: string; events: number };
  network: ReplayNetwork;
  timeline: ReplayTimeline;
  /** The run's service area (polygons of [lon, lat] rings), when the replay was given one. */
  serviceArea?: PolygonRings[];
}

type TypedArray = Int32Array | Uint32Array | Uint8Array | Float32Array | Float64Array;
const ARRAY_TYPES = { Int32Array, Uint32Array, Uint8Array, Float32Array, Float64Array } as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

interface ArrayEntry {
  name: string;
  type: ArrayTypeName;
  length: number;
}

/** The JSON part of a bundle: every scalar and small series of the scene, and the list of arrays that follow. */
interface BundleHeader {
  format: 'baton-replay';
  version: 1;
  log: ReplayScene['log'];
  network: { source: string; attribution: string; bbox: [number, number, number, number]; segmentCount: number };
  timeline: {
    startS: number;
    endS: number;
    vehicleCount: number;
    requestCount: number;
    longestWaitS: number;
    kpiStartS: number;
    kpiStepS: number;
    kpis: Kpis;
    fleetStatus: FleetStatusSeries;
    hourly: HourlyFlows;
    chargingSites: ReplayTimeline['chargingSites'];
    operatorAreas?: ReplayTimeline['operatorAreas'];
  };
  serviceArea?: PolygonRings[];
  arrays: ArrayEntry[];
}

/** The timeline's typed arrays by name (the KPI samples are stored as `kpi.<field>`). */
const TIMELINE_ARRAYS = [
  'placedS',
  'keyFirst',
  'keyS',
  'keyFromNode',
  'keyToNode',
  'keyDepartS',
  'keyArriveS',
  'keyActivity',
  'requestSubmitS',
  'requestPickupNode',
  'requestDropoffNode',
  'requestRiders',
  'requestPickupS',
  'requestDropoffS',
  'requestEndWaitS',
  'requestOutcome',
  'requestVehicle',
] as const satisfies readonly (keyof ReplayTimeline)[];

function typeName(a: TypedArray): ArrayTypeName {
  for (const [name, ctor] of Object.entries(ARRAY_TYPES)) if (a instanceof ctor) return name as ArrayTypeName;
  throw new Error('replay bundle: unsupported array type');
}

const pad8 = (n: number): number => (n + 7) & ~7;

// NaN and ±Infinity (mean wait before anyone was picked up) do not survive JSON: they travel as strings.
const jsonReplacer = (_: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const jsonReviver = (_: string, v: unknown): unknown => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

/**
 * Packs a scene into one buffer.
 *
 * @example const bytes = encodeReplayScene(scene); decodeReplayScene(bytes.buffer).timeline.vehicleCount
 */
export function encodeReplayScene(scene: ReplayScene): Uint8Array {
  const tl = scene.timeline;
  const arrays: [string, TypedArray][] = [
    ['nodeLon', scene.network.nodeLon],
    ['nodeLat', scene.network.nodeLat],
    ['roadSegments', scene.network.roads.segments],
    ['roadClass', scene.network.roads.segmentClass],
    ...TIMELINE_ARRAYS.map((name): [string, TypedArray] => [name, tl[name]]),
    ...KPI_SAMPLE_FIELDS.map((f): [string, TypedArray] => [`kpi.${f}`, tl.kpiSamples[f]]),
  ];
  const header: BundleHeader = {
    format: 'baton-replay',
    version: 1,
    log: scene.log,
    network: { source: scene.network.source, attribution: scene.network.attribution, bbox: scene.network.bbox, segmentCount: scene.network.roads.segmentCount },
    timeline: {
      startS: tl.startS,
      endS: tl.endS,
      vehicleCount: tl.vehicleCount,
      requestCount: tl.requestCount,
      longestWaitS: tl.longestWaitS,
      kpiStartS: tl.kpiStartS,
      kpiStepS: tl.kpiStepS,
      kpis: tl.kpis,
      fleetStatus: tl.fleetStatus,
      hourly: tl.hourly,
      chargingSites: tl.chargingSites,
      operatorAreas: tl.operatorAreas,
    },
    serviceArea: scene.serviceArea,
    arrays: arrays.map(([name, a]) => ({ name, type: typeName(a), length: a.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header, jsonReplacer));
  const headerBytes = pad8(PREFIX_BYTES + json.length) - PREFIX_BYTES;
  let total = PREFIX_BYTES + headerBytes;
  for (const [, a] of arrays) total += pad8(a.byteLength);
  const out = new Uint8Array(total);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, headerBytes, true);
  out.fill(0x20, PREFIX_BYTES, PREFIX_BYTES + headerBytes);
  out.set(json, PREFIX_BYTES);
  let at = PREFIX_BYTES + headerBytes;
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += pad8(a.byteLength);
  }
  return out;
}

/** Reads a buffer made by encodeReplayScene; the typed arrays are views into `buffer` (no copy). */
export function decodeReplayScene(buffer: ArrayBuffer): ReplayScene {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error(`not a Baton replay bundle (starts with ${JSON.stringify(magic)})`);
  const headerBytes = new DataView(buffer).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes)), jsonReviver) as BundleHeader;
  if (header.format !== 'baton-replay' || header.version !== 1) throw new Error(`unsupported replay bundle ${header.format} v${header.version}`);
  const arrays = new Map<string, TypedArray>();
  let at = PREFIX_BYTES + headerBytes;
  for (const e of header.arrays) {
    const ctor = ARRAY_TYPES[e.type];
    arrays.set(e.name, new ctor(buffer, at, e.length));
    at += pad8(e.length * ctor.BYTES_PER_ELEMENT);
  }
  const get = <T extends TypedArray>(name: string): T => {
    const a = arrays.get(name);
    if (!a) throw new Error(`replay bundle: array ${name} missing`);
    return a as T;
  };
  const h = header.timeline;
  const timeline = {
    ...h,
    operatorAreas: h.operatorAreas ?? [],
    ...Object.fromEntries(TIMELINE_ARRAYS.map((name) => [name, get(name)])),
    kpiSamples: Object.fromEntries(KPI_SAMPLE_FIELDS.map((f) => [f, get<Float64Array>(`kpi.${f}`)])) as Record<KpiSampleField, Float64Array>,
  } as ReplayTimeline;
  const { segmentCount, ...network } = header.network;
  return {
    log: header.log,
    network: {
      ...network,
      nodeLon: get('nodeLon'),
      nodeLat: get('nodeLat'),
      roads: { segmentCount, segments: get('roadSegments'), segmentClass: get('roadClass') },
    },
    timeline,
    ...(header.serviceArea ? { serviceArea: header.serviceArea } : {}),
  };
}
