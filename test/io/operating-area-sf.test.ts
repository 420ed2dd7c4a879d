// Acceptance on real data: the Bay Area service areas of ../shared/data/service-areas on the San Francisco network
// and trips. The outside_service_area count equals an independent winding-number count on the same trips, and no
// simulated car leaves the area or passes an avoided intersection (checked over the event log and the driven paths).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { restrictGraph, type PolygonRings } from '../../src/core/network/area.js';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { pathCoordinates } from '../../src/core/network/geometry.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { readAvoidList, resolveAvoidList } from '../../src/io/avoid-list.js';
import { readNetwork } from '../../src/io/network-source.js';
import { openOperatingNetwork } from '../../src/io/operating-area.js';
import { readServiceArea } from '../../src/io/service-area.js';
import { openScenarioRunner, type ScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { loadTrips, parseLocalDate, readTrips } from '../../src/io/trips/index.js';
import type { TripRecord } from '../../src/core/demand/trip.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';
import { geoJsonPolygons, insideByWinding } from '../network/winding.js';

const TRIPS = 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz';
const AREAS = ['waymo_bay-area', 'zoox_bay-area', 'tesla_bay-area'] as const;
const areaFile = (name: string) => `service-areas/${name}.geojson`;
const DATE = '2008-05-21';
const AVOID = resolve(import.meta.dirname, '../fixtures/operating-area/sf-avoid.csv');

const polygonsOf = (name: string): PolygonRings[] => geoJsonPolygons(JSON.parse(readFileSync(sharedData(areaFile(name)), 'utf8')));

const HAVE = haveSharedData(SF_NODES, SF_EDGES, TRIPS, ...AREAS.map(areaFile), areaFile('waymo_austin'));

describe.skipIf(!HAVE)('service areas on San Francisco (shared data)', () => {
  /** The day's trip records (format-level rejects excluded), read once for the independent counts. */
  const dayRecords: TripRecord[] = [];
  let whole: Promise<RoadGraph> | undefined;
  const sfGraph = (): Promise<RoadGraph> => (whole ??= readNetwork([sharedData('san-francisco')]).then((r) => r.graph));
  beforeAll(async () => {
    const day = parseLocalDate(DATE) / 86_400;
    for await (const row of readTrips(sharedData(TRIPS), { format: 'sf-cabspotting' })) {
      if (row.kind === 'trip' && Math.floor((row.trip.requestEpochS + row.trip.utcOffsetS) / 86_400) === day) dayRecords.push(row.trip);
    }
  });

  it.each(AREAS)('%s: rejected requests = an independent winding-number count of trips with an end outside', async (name) => {
    const polygons = polygonsOf(name);
    const expected = dayRecords.filter((t) => !(insideByWinding(polygons, t.pickupLat, t.pickupLon) && insideByWinding(polygons, t.dropoffLat, t.dropoffLon))).length;
    const area = readServiceArea(sharedData(areaFile(name)));
    const loaded = await loadTrips(sharedData(TRIPS), { format: 'sf-cabspotting', date: DATE, serviceArea: area });
    expect(dayRecords.length).toBe(16_739); // the README's Wednesday
    expect(expected).toBeGreaterThan(0);
    expect(loaded.rejected.outside_service_area).toBe(expected);
    // The restricted network's nodes all lie inside by the oracle too.
    const { graph, report } = restrictGraph(await sfGraph(), { area });
    console.info(`${name}: ${expected} of ${dayRecords.length} trips rejected; network cut`, JSON.stringify(report));
    const outside = [...graph.lat.keys()].filter((v) => !insideByWinding(polygons, graph.lat[v], graph.lon[v]));
    expect(outside).toEqual([]);
  });

  it('a service area with no San Francisco road (Austin) is an error before the run', async () => {
    const austin = sharedData(areaFile('waymo_austin'));
    await expect(openOperatingNetwork([sharedData('san-francisco')], { serviceArea: austin, avoidCutoffM: 50 })).rejects.toThrow(
      `${austin}: the service area contains no road of the network`,
    );
  });

  describe('a simulated morning inside the Zoox area with 21 intersections avoided', () => {
    const polygons = () => polygonsOf('zoox_bay-area');
    let runner: ScenarioRunner;
    let avoided: Set<number>;
    beforeAll(async () => {
      runner = await openScenarioRunner(
        parseSimSettings({
          network: [sharedData('san-francisco')],
          trips: sharedData(TRIPS),
          format: 'sf-cabspotting',
          date: DATE,
          window: '07:00-09:00',
          serviceArea: sharedData(areaFile('zoox_bay-area')),
          avoid: AVOID,
        }),
      );
      // The avoided nodes, by id, placed on the whole network as the scenario does (the points are rounded node
      // coordinates, so each lies within a few metres of its node).
      const sf = await sfGraph();
      const placed = resolveAvoidList(AVOID, readAvoidList(AVOID), sf, 50);
      expect(placed.maxSnapM).toBeLessThan(5);
      avoided = new Set([...placed.nodes].map((v) => sf.externalId[v]));
    });

    it('reports the cut, the rejected requests and the longer direct trips', () => {
      const a = runner.scenario.operatingArea!;
      console.info('operating area', JSON.stringify(a));
      expect(a.serviceArea!.requestsRejected).toBe(runner.scenario.rejectedRows.outside_service_area);
      expect(a.serviceArea!.requestsRejected).toBeGreaterThan(0);
      expect(a.avoid).toMatchObject({ listed: 21, nodes: 21 });
      expect(a.avoid!.nodesRemoved + a.avoid!.nodesOutsideArea).toBe(21);
      expect(a.avoid!.nodesOutsideArea).toBeGreaterThan(0); // Castro, Masonic, 19th Ave lie outside the Zoox area
      expect(a.network.nodesAvoided).toBe(a.avoid!.nodesRemoved);
      const t = a.avoid!.tripTimes!;
      expect(t.trips).toBe(runner.scenario.requests.length);
      expect(t.longer).toBeGreaterThan(0);
      expect(t.meanWithS).toBeGreaterThan(t.meanWithoutS);
      expect(avoided.size).toBe(21);
    });

    it.each(['greedy', 'pooled+rebalance'] as const)('%s: every car position and driven path lies inside and avoids the listed intersections', async (preset) => {
      const rings = polygons();
      const g = runner.scenario.network.graph;
      const tt = runner.scenario.network.travelTimes;
      // Problems are collected and asserted once: tens of thousands of expect() calls would dominate the test.
      const problems: string[] = [];
      const nodeOk = (v: number, what: string) => {
        if (!(v >= 0 && v < g.nodeCount)) problems.push(`${what}: node ${v} is not in the restricted network`);
        else if (!insideByWinding(rings, g.lat[v], g.lon[v])) problems.push(`${what}: node ${g.externalId[v]} lies outside`);
        else if (avoided.has(g.externalId[v])) problems.push(`${what}: node ${g.externalId[v]} is avoided`);
      };
      const events: SimEvent[] = [];
      await runner.run(preset === 'greedy' ? 150 : 90, preset, { eventSink: (ev) => events.push(ev) });
      let departures = 0;
      const legs = new Set<string>();
      for (const ev of events) {
        switch (ev.kind) {
          case 'VehiclePlaced':
          case 'VehicleIdle':
          case 'VehicleArrived':
            nodeOk(ev.node, ev.kind);
            break;
          case 'VehicleRebalanced':
          case 'VehicleDeparted':
            nodeOk(ev.fromNode, ev.kind);
            nodeOk(ev.toNode, ev.kind);
            if (ev.kind === 'VehicleDeparted') departures++;
            legs.add(`${ev.fromNode}-${ev.toNode}`);
            break;
          case 'RequestSubmitted':
            nodeOk(ev.pickupNode, 'pickup');
            nodeOk(ev.dropoffNode, 'drop-off');
            break;
          default:
            break;
        }
      }
      // Each leg's path (what the car drives, diverted cars included: they stop at a node of it): no avoided node;
      // every shape point, and points along every piece, inside.
      for (const leg of legs) {
        const [from, to] = leg.split('-').map(Number);
        const path = tt.path(from, to);
        if (!path) {
          problems.push(`leg ${leg}: no path`);
          continue;
        }
        for (const v of path.nodes) nodeOk(v, `path of leg ${leg}`);
        const pts = pathCoordinates(g, path.nodes);
        for (let i = 0; i + 1 < pts.length; i++) {
          for (let f = 0.25; f < 1; f += 0.25) {
            const lon = pts[i][0] + f * (pts[i + 1][0] - pts[i][0]);
            const lat = pts[i][1] + f * (pts[i + 1][1] - pts[i][1]);
            if (!insideByWinding(rings, lat, lon)) problems.push(`leg ${leg}: point ${lat},${lon} lies outside`);
          }
        }
      }
      expect(problems.slice(0, 10)).toEqual([]);
      console.info(`${preset}: ${events.length} events, ${departures} departures, ${legs.size} distinct legs checked`);
      expect(departures).toBeGreaterThan(300);
    });
  });
});
