// Loads a simulation scenario — network, travel times, requests — from command-line style options, so that
// `simulate`, `compare` and `fleet-size` all read the same inputs the same way.
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import { generateSyntheticDemand } from '../core/demand/synthetic-demand.js';
import { RoadSnapper } from '../core/network/snap.js';
import { Rng } from '../core/random.js';
import type { SpeedProfile } from '../core/network/travel-times.js';
import { loadTrips, parseTimeWindow, type LoadProgress } from './trips/index.js';
import { openNetwork, type OpenedNetwork } from './network-source.js';
import { loadSpeedProfile } from './speed-profile.js';

export interface ScenarioOptions {
  /** Network input(s) as for `openNetwork`; default: the built-in synthetic city. */
  network?: string[];
  /** Trip file; default: synthetic demand on the network. */
  trips?: string;
  format?: string;
  /** Local day YYYY-MM-DD of the requests to keep. */
  date?: string;
  /** Time window "07:00-10:00" within the day. */
  window?: string;
  /** Keep trips whose pickup and drop-off lie in [minLon, minLat, maxLon, maxLat]. */
  bbox?: readonly [number, number, number, number];
  /** Synthetic demand: requests in the day. */
  syntheticRequests?: number;
  /** Share of riders who accept a shared ride, 0–1 (default 1: everyone); drawn per request with the seed. */
  shareAcceptance?: number;
  seed: number;
  /** JSON file of calibrated hourly speed factors (from `baton calibrate`). */
  speedFactors?: string;
  snapCutoffM?: number;
  /** Called while the network hierarchy is built and while trips are read. */
  onProgress?(stage: 'contracting' | 'reading trips', done: number, total: number): void;
}

export interface Scenario {
  network: OpenedNetwork;
  requests: PlacedTrip[];
  /** Trip rows dropped, by reason (empty for synthetic demand). */
  rejectedRows: Record<string, number>;
  rowsRead: number;
  /** Epoch seconds of local midnight of the day (requestS = 0); undefined for synthetic demand. */
  dayStartEpochS?: number;
  /** Distinct vehicles of the source that served the kept trips (SF cab_id), where the format has them. */
  humanFleet?: number;
  /** Where earlier days of demand come from, read lazily (src/io/forecast.ts) only by presets that forecast. */
  history?: { trips?: string; format?: string; date?: string; seed: number; syntheticRequests?: number; snapCutoffM?: number };
  /** Human-readable description of the inputs for reports. */
  description: { network: string; trips: string; date?: string; networkAttribution: string; tripsAttribution?: string };
}

const TRIP_ATTRIBUTION: Record<string, string> = {
  'sf-cabspotting':
    'Trips: Cabspotting, CRAWDAD dataset epfl/mobility (v. 2009-02-24), Piorkowski, Sarafijanovic-Djukic, Grossglauser, doi:10.15783/C7J010.',
  rideaustin: 'Trips: RideAustin (data.world/ride-austin).',
  'nyc-tlc': 'Trips: NYC Taxi & Limousine Commission trip records.',
};

/** Loads the network (building or reading its hierarchy) and the requests of the scenario. */
export async function loadScenario(o: ScenarioOptions): Promise<Scenario> {
  const speedProfile: SpeedProfile | undefined = o.speedFactors ? loadSpeedProfile(o.speedFactors) : undefined;
  const network = await openNetwork(o.network ?? ['synthetic'], {
    speedProfile,
    onChProgress: (d, t) => o.onProgress?.('contracting', d, t),
  });
  const networkDesc = network.graph.meta.source;
  const share = o.shareAcceptance ?? 1;
  const history = { trips: o.trips, format: o.format, date: o.date, seed: o.seed, syntheticRequests: o.syntheticRequests, snapCutoffM: o.snapCutoffM };
  if (!(share >= 0 && share <= 1)) throw new Error(`share of riders accepting a shared ride must be 0–1, got ${o.shareAcceptance}`);
  if (!o.trips) {
    if (o.format || o.date || o.window || o.bbox) throw new Error('--format, --date, --window and --bbox apply to --trips; give a trip file');
    const requests = generateSyntheticDemand(network.graph, {
      seed: o.seed,
      sharingShare: share,
      // Riders book two-seat cars knowing their size: parties of 1 or 2 only (file trips keep their own counts).
      ridersShares: [0.85, 0.15, 0, 0],
      ...(o.syntheticRequests ? { trips: o.syntheticRequests } : {}),
    });
    return {
      network,
      requests,
      rejectedRows: {},
      rowsRead: requests.length,
      history,
      description: { network: networkDesc, trips: `synthetic demand (${requests.length} requests, seed ${o.seed})`, networkAttribution: network.graph.meta.attribution },
    };
  }
  if (!o.format) throw new Error(`--format is required with --trips (sf-cabspotting, rideaustin, nyc-tlc, baton)`);
  const snapper = new RoadSnapper(network.graph, { cutoffM: o.snapCutoffM });
  const loaded = await loadTrips(o.trips, {
    format: o.format,
    date: o.date,
    window: o.window ? parseTimeWindow(o.window) : undefined,
    bbox: o.bbox,
    snapper,
    onProgress: (p: LoadProgress) => o.onProgress?.('reading trips', p.bytesRead, p.totalBytes),
  });
  // The files do not say who would share a ride: draw it per request, seeded, in the loader's stable order.
  const rng = new Rng(o.seed ^ 0x5eed);
  for (const t of loaded.trips) t.acceptsSharing = share >= 1 || rng.next() < share;
  const cabs = new Set<string>();
  for (const t of loaded.trips) if (t.sourceVehicleId !== undefined) cabs.add(t.sourceVehicleId);
  if (loaded.trips.length === 0) {
    const reasons = Object.entries(loaded.rejected).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ');
    throw new Error(`${o.trips}: no usable trips (${loaded.read} rows read; rejected: ${reasons || 'none'})`);
  }
  return {
    network,
    requests: loaded.trips,
    rejectedRows: Object.fromEntries(Object.entries(loaded.rejected).filter(([, n]) => n > 0)),
    rowsRead: loaded.read,
    dayStartEpochS: loaded.dayStartEpochS,
    humanFleet: cabs.size > 0 ? cabs.size : undefined,
    history,
    description: {
      network: networkDesc,
      trips: o.trips,
      date: o.date,
      networkAttribution: network.graph.meta.attribution,
      tripsAttribution: TRIP_ATTRIBUTION[o.format],
    },
  };
}
