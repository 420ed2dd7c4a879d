// Loads a simulation scenario — network, travel times, requests — from validated settings (src/io/settings.ts), so
// that `simulate`, `compare`, `fleet-size` and the benchmarks all read the same inputs the same way.
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import { generateSyntheticDemand } from '../core/demand/synthetic-demand.js';
import { RoadSnapper } from '../core/network/snap.js';
import { Rng } from '../core/random.js';
import type { SpeedProfile } from '../core/network/travel-times.js';
import { loadTrips, parseTimeWindow, type LoadProgress } from './trips/index.js';
import { openNetwork, type OpenedNetwork } from './network-source.js';
import { openOperatingNetwork, operatingAreaOutcome, type OperatingAreaSummary, type OperatingNetwork } from './operating-area.js';
import { loadSpeedProfile } from './speed-profile.js';
import type { ScenarioSettings } from './settings.js';

/** Called while the network hierarchy is built and while trips are read. */
export type ScenarioProgress = (stage: 'contracting' | 'reading trips', done: number, total: number) => void;

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
  history?: { trips?: string; format?: string; date?: string; seed: number; syntheticRequests?: number; snapCutoffM?: number; serviceArea?: string };
  /** With --service-area or --avoid: what was cut from the network, requests rejected outside, trip time increase. */
  operatingArea?: OperatingAreaSummary;
  /** Human-readable description of the inputs for reports. */
  description: { network: string; trips: string; date?: string; networkAttribution: string; tripsAttribution?: string };
}

const TRIP_ATTRIBUTION: Record<string, string> = {
  'sf-cabspotting':
    'Trips: Cabspotting, CRAWDAD dataset epfl/mobility (v. 2009-02-24), Piorkowski, Sarafijanovic-Djukic, Grossglauser, doi:10.15783/C7J010.',
  rideaustin: 'Trips: RideAustin (data.world/ride-austin).',
  'nyc-tlc': 'Trips: NYC Taxi & Limousine Commission trip records.',
};

/**
 * Loads the network (building or reading its hierarchy) and the requests of the scenario. The settings are checked
 * already (parseSimSettings: ranges, a format with every trip file, filters only with one).
 */
export async function loadScenario(o: ScenarioSettings, onProgress?: ScenarioProgress): Promise<Scenario> {
  const speedProfile: SpeedProfile | undefined = o.speedFactors ? loadSpeedProfile(o.speedFactors) : undefined;
  const openOptions = { speedProfile, onChProgress: (d: number, t: number) => onProgress?.('contracting', d, t) };
  // With an operating area the network is cut to it and its hierarchy built on the cut graph (src/io/operating-area.ts).
  const operating: OperatingNetwork | undefined =
    o.serviceArea || o.avoid ? await openOperatingNetwork(o.network, { serviceArea: o.serviceArea, avoid: o.avoid, avoidCutoffM: o.avoidCutoffM }, openOptions) : undefined;
  const network = operating?.network ?? (await openNetwork(o.network, openOptions));
  const networkDesc = network.graph.meta.source;
  const share = o.share;
  const history = {
    trips: o.trips,
    format: o.format,
    date: o.date,
    seed: o.seed,
    syntheticRequests: o.requests,
    snapCutoffM: o.snapCutoffM,
    ...(o.serviceArea ? { serviceArea: o.serviceArea } : {}),
  };
  if (!o.trips) {
    const requests = generateSyntheticDemand(network.graph, {
      seed: o.seed,
      sharingShare: share,
      // Riders book two-seat cars knowing their size: parties of 1 or 2 only (file trips keep their own counts).
      ridersShares: [0.85, 0.15, 0, 0],
      ...(o.requests ? { trips: o.requests } : {}),
    });
    return {
      network,
      requests,
      rejectedRows: {},
      rowsRead: requests.length,
      history,
      ...(operating ? { operatingArea: operatingAreaOutcome(operating, requests, 0) } : {}),
      description: { network: networkDesc, trips: `synthetic demand (${requests.length} requests, seed ${o.seed})`, networkAttribution: network.graph.meta.attribution },
    };
  }
  if (!o.format) throw new Error(`${o.trips}: no trip format given (settings not validated with parseSimSettings?)`);
  const snapper = new RoadSnapper(network.graph, { cutoffM: o.snapCutoffM });
  const loaded = await loadTrips(o.trips, {
    format: o.format,
    date: o.date,
    window: o.window ? parseTimeWindow(o.window) : undefined,
    bbox: o.bbox,
    serviceArea: operating?.area,
    snapper,
    onProgress: (p: LoadProgress) => onProgress?.('reading trips', p.bytesRead, p.totalBytes),
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
    ...(operating ? { operatingArea: operatingAreaOutcome(operating, loaded.trips, loaded.rejected.outside_service_area) } : {}),
    description: {
      network: networkDesc,
      trips: o.trips,
      date: o.date,
      networkAttribution: network.graph.meta.attribution,
      tripsAttribution: TRIP_ATTRIBUTION[o.format],
    },
  };
}
