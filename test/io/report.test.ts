// HTML reports on a real small scenario (synthetic city, synthetic morning demand, greedy): the report-series fold, the
// structure and embedded data of all three reports, then the pages in headless Chromium (charts and map really drawn).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOUR_WEIGHTS, generateSyntheticDemand } from '../../src/core/demand/synthetic-demand.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import type { Kpis } from '../../src/core/metrics/kpis.js';
import { reportSeries, type ReportSeries } from '../../src/core/metrics/report-series.js';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import type { ChartSpec } from '../../src/io/report/charts.js';
import { renderComparisonReport, renderFleetSizeReport, renderSimulationReport, type FleetSizePoint, type ScenarioInfo } from '../../src/io/report/index.js';
import type { MapSpec } from '../../src/io/report/map.js';

const CHROMIUM = '/usr/bin/chromium';
/** Set to a folder to keep the three reports and their screenshots there (for looking at them). */
const SCREENSHOT_DIR = process.env.BATON_REPORT_SCREENSHOTS;

interface Run {
  events: SimEvent[];
  kpis: Kpis;
  series: ReportSeries;
}

let graph: RoadGraph;
let main: Run;
let fifo: Run;
let curve: FleetSizePoint[];
let simHtml: string;
let compareHtml: string;
let fleetHtml: string;
const REJECTED = { outside_bbox: 41, unparseable: 3, pickup_off_network: 7, made_up_reason: 1 };
const SCENARIO: ScenarioInfo = {
  title: 'Morning test <script>alert("x")</script> & co',
  network: 'synthetic city 5 × 5 km',
  trips: 'synthetic demand (2,000 requests 06–12 h)',
  date: '2026-11-22',
  seed: 7,
  tripsAttribution: 'Trips: made up for a test <i>not markup</i>.',
};

/** The JSON blob a report embeds for its client script. */
function embedded(html: string): { charts: ChartSpec[]; maps: MapSpec[] } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no report-data script');
  return JSON.parse(m[1]) as { charts: ChartSpec[]; maps: MapSpec[] };
}

const sum = (xs: readonly (number | null)[]): number => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

beforeAll(() => {
  ({ graph } = buildSyntheticCity({ seed: 3, widthM: 5000, heightM: 5000 }));
  // Morning demand only: 2,000 requests in six hours strain 60 cars enough for waits, queues and cancellations.
  const requests = generateSyntheticDemand(graph, {
    seed: 5,
    trips: 2000,
    ridersShares: [0.85, 0.15, 0, 0],
    hourWeights: DEFAULT_HOUR_WEIGHTS.map((w, h) => (h >= 6 && h < 12 ? w : 0)),
  });
  const travelTimes = new DijkstraTravelTimes(graph);
  const run = (fleetSize: number, lookahead = 8): Run => {
    const { events, summary } = simulate({ graph, travelTimes, requests, fleetSize, dispatcher: greedy({ lookahead }), seed: 7 });
    return { events, kpis: summary.kpis, series: reportSeries(events) };
  };
  main = run(60);
  fifo = run(60, 1);
  curve = [run(35), run(45), main].map(({ kpis }) => ({
    fleet: kpis.fleet,
    servicePct: kpis.within5MinPct,
    servedPct: kpis.servedPct,
    waitMeanS: kpis.waitMeanS,
    waitP95S: kpis.waitP95S,
    emptyShare: kpis.emptyShare,
    utilization: kpis.utilization,
    tripsPerVehiclePerDay: kpis.tripsPerVehiclePerDay,
  }));
  simHtml = renderSimulationReport({ scenario: { ...SCENARIO, fleet: 60, dispatcher: 'greedy' }, kpis: main.kpis, series: main.series, graph, rejectedRows: REJECTED, rowsRead: 2052 });
  compareHtml = renderComparisonReport(
    [
      { label: 'greedy (lookahead 8)', kpis: main.kpis, series: main.series },
      { label: 'greedy (FIFO head)', kpis: fifo.kpis, series: fifo.series },
    ],
    { ...SCENARIO, title: undefined, fleet: 60 },
  );
  fleetHtml = renderFleetSizeReport(curve, { target: 60, chosenFleet: 60, boundFleet: 30, humanFleet: 70, scenario: { ...SCENARIO, title: undefined } });
});

describe('reportSeries', () => {
  it('hourly flows add up to the event counts and the KPIs', () => {
    const count = (kind: SimEvent['kind']) => main.events.filter((e) => e.kind === kind).length;
    const h = main.series.hourly;
    expect(sum(h.requests)).toBe(main.kpis.requests);
    expect(sum(h.pickups)).toBe(count('PickedUp'));
    expect(sum(h.dropoffs)).toBe(main.kpis.served);
    expect(sum(h.cancelled)).toBe(main.kpis.cancelled);
    expect(main.kpis.cancelled).toBeGreaterThan(0); // the scenario is strained enough to show unserved demand
    expect(h.hour.length).toBe(h.requests.length);
    expect(main.series.pickupNodes.length).toBe(count('PickedUp'));
    expect(main.series.unservedNodes.length).toBe(main.kpis.cancelled + main.kpis.rejected);
  });

  it('the wait histogram holds every pickup and its percentiles match the KPIs', () => {
    const w = main.series.wait;
    expect(sum(w.counts)).toBe(w.n);
    expect(w.n).toBe(main.series.pickupNodes.length);
    expect(w.p50S).toBe(main.kpis.waitP50S);
    expect(w.p95S).toBe(main.kpis.waitP95S);
    expect(w.meanS).toBeCloseTo(main.kpis.waitMeanS, 9);
  });

  it('fleet states add up to the fleet in every 5-min bin, with every state seen', () => {
    const fs = main.series.fleetStatus;
    expect(fs.binS).toBe(300);
    for (let i = 0; i < fs.startS.length; i++) {
      expect(fs.idle[i] + fs.toPickup[i] + fs.occupied[i] + fs.rebalancing[i]).toBeCloseTo(60, 9);
    }
    expect(Math.max(...fs.occupied)).toBeGreaterThan(20);
    expect(Math.max(...fs.toPickup)).toBeGreaterThan(5);
    // Greedy never rebalances.
    expect(Math.max(...fs.rebalancing)).toBe(0);
  });

  it('classifies a hand-made log: empty leg to pickup, occupied ride and dwell, then idle', () => {
    const log: SimEvent[] = [
      { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
      { kind: 'RequestSubmitted', timeS: 100, request: 0, id: 'a', pickupNode: 1, dropoffNode: 2, riders: 1, acceptsSharing: false },
      { kind: 'RequestAssigned', timeS: 100, request: 0, vehicle: 0, previousVehicle: -1 },
      { kind: 'VehicleDeparted', timeS: 100, vehicle: 0, fromNode: 0, toNode: 1, arriveS: 250, onboard: 0, purpose: 'stop' },
      { kind: 'VehicleArrived', timeS: 250, vehicle: 0, node: 1, distanceM: 900, energyKwh: 0.1, onboard: 0, diverted: false },
      { kind: 'PickedUp', timeS: 250, request: 0, vehicle: 0, riders: 1, waitS: 150 },
      { kind: 'VehicleDeparted', timeS: 280, vehicle: 0, fromNode: 1, toNode: 2, arriveS: 500, onboard: 1, purpose: 'stop' },
      { kind: 'VehicleArrived', timeS: 500, vehicle: 0, node: 2, distanceM: 1500, energyKwh: 0.2, onboard: 1, diverted: false },
      { kind: 'DroppedOff', timeS: 500, request: 0, vehicle: 0, riders: 1, rideS: 250 },
      { kind: 'VehicleIdle', timeS: 530, vehicle: 0, node: 2 },
      { kind: 'VehicleRebalanced', timeS: 540, vehicle: 0, fromNode: 2, toNode: 0 },
      { kind: 'VehicleDeparted', timeS: 540, vehicle: 0, fromNode: 2, toNode: 0, arriveS: 580, onboard: 0, purpose: 'rebalance' },
      { kind: 'VehicleArrived', timeS: 580, vehicle: 0, node: 0, distanceM: 300, energyKwh: 0.05, onboard: 0, diverted: false },
      { kind: 'VehicleIdle', timeS: 580, vehicle: 0, node: 0 },
    ];
    const s = reportSeries(log, { fleetBinS: 300, waitBinS: 60 });
    expect(s.fleetStatus.startS).toEqual([0, 300]);
    // Bin 0: idle 0–100, to pickup 100–250, occupied 250–300. Bin 1: occupied 300–530, idle 530–540 and 580–600, rebalancing 540–580.
    expect(s.fleetStatus.idle).toEqual([100 / 300, 30 / 300]);
    expect(s.fleetStatus.toPickup).toEqual([150 / 300, 0]);
    expect(s.fleetStatus.occupied).toEqual([50 / 300, 230 / 300]);
    expect(s.fleetStatus.rebalancing).toEqual([0, 40 / 300]);
    expect(s.wait.counts).toEqual([0, 0, 1]);
    expect(s.pickupNodes).toEqual([1]);
  });
});

describe('simulation report HTML', () => {
  it('has every section, escapes user text and is deterministic and compact', () => {
    for (const id of ['summary', 'demand', 'waits', 'fleet', 'map', 'input-rows']) expect(simHtml).toContain(`<section class="card" id="${id}">`);
    expect(simHtml).not.toContain('<script>alert');
    expect(simHtml).toContain('Morning test &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(simHtml).toContain('Trips: made up for a test &lt;i&gt;not markup&lt;/i&gt;.');
    expect(simHtml).toContain(graph.meta.attribution);
    expect(simHtml).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/); // nothing fetched from the network
    expect(simHtml.length).toBeLessThan(3_000_000);
    const again = renderSimulationReport({ scenario: { ...SCENARIO, fleet: 60, dispatcher: 'greedy' }, kpis: main.kpis, series: main.series, graph, rejectedRows: REJECTED, rowsRead: 2052 });
    expect(again).toBe(simHtml);
  });

  it('shows the rejected trip rows by reason with a total', () => {
    const tableHtml = /<table[^>]*id="rejected-rows"[\s\S]*?<\/table>/.exec(simHtml)?.[0] ?? '';
    const rows = [...tableHtml.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      ['outside_bbox', '41'],
      ['pickup_off_network', '7'],
      ['unparseable', '3'],
      ['made_up_reason', '1'],
      ['Total rejected', '52'],
    ]);
    expect(rows[0][3]).toBe('2.00 %');
    const none = renderSimulationReport({ scenario: SCENARIO, kpis: main.kpis, series: main.series, graph, rejectedRows: {} });
    expect(none).toContain('No rows were rejected');
  });

  it('embeds the charts and map with the run’s numbers', () => {
    const { charts, maps } = embedded(simHtml);
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(['chart-hourly-flows', 'chart-hourly-service', 'chart-wait-histogram', 'chart-hourly-wait', 'chart-fleet-status']);
    for (const id of [...ids, ...maps.map((m) => m.id)]) expect(simHtml).toContain(`id="${id}"`);
    const flows = charts[0];
    const byLabel = (c: ChartSpec, label: string) => c.series.find((s) => s.label === label)!.values;
    expect(sum(byLabel(flows, 'Requests'))).toBe(main.kpis.requests);
    expect(sum(byLabel(flows, 'Pickups'))).toBe(main.series.wait.n);
    expect(flows.x[0]).toBe(6.5); // night hours without requests are trimmed
    const hist = charts[2];
    expect(sum(byLabel(hist, 'Pickups'))).toBe(main.series.wait.n);
    expect(hist.vMarkers!.map((m) => m.value)).toEqual([main.kpis.waitP50S / 60, main.kpis.waitP95S / 60]);
    const stacked = charts[4];
    expect(stacked.kind).toBe('stacked');
    expect(stacked.series.map((s) => s.label)).toEqual(['Occupied (rider on board)', 'Driving to pickup', 'Rebalancing', 'Idle']);
    expect(maps).toHaveLength(1);
    expect(maps[0].layers[0].count).toBe(main.series.pickupNodes.length);
    expect(maps[0].roadSegments).toBeGreaterThan(graph.edgeCount / 3);
  });
});

describe('comparison and fleet-size reports HTML', () => {
  it('comparison: one KPI column per run, best values highlighted, overlaid series', () => {
    expect(compareHtml).toContain('<th class="num">greedy (lookahead 8)</th><th class="num">greedy (FIFO head)</th>');
    const servedRow = /<tr><td>Service level \(served \/ requests\)<\/td>([\s\S]*?)<\/tr>/.exec(compareHtml)![1];
    const best = main.kpis.servedPct === fifo.kpis.servedPct ? [] : main.kpis.servedPct > fifo.kpis.servedPct ? [0] : [1];
    const cells = [...servedRow.matchAll(/<td class="([^"]*)">/g)].map((m) => m[1].includes('best'));
    expect(cells.map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual(best);
    const { charts } = embedded(compareHtml);
    expect(charts.map((c) => c.id)).toEqual(['chart-compare-wait', 'chart-compare-service', 'chart-compare-p95', 'chart-compare-wait-dist', 'chart-fleet-0', 'chart-fleet-1']);
    expect(charts[0].series.map((s) => s.label)).toEqual(['greedy (lookahead 8)', 'greedy (FIFO head)']);
    for (const s of charts[3].series) expect(sum(s.values.slice(0, -1))).toBeCloseTo(100, 6);
    expect(() => renderComparisonReport([], SCENARIO)).toThrow(/no runs/);
  });

  it('fleet size: the curve, target line, markers and chosen row', () => {
    const { charts } = embedded(fleetHtml);
    const service = charts[0];
    expect(service.x).toEqual([35, 45, 60]);
    expect(service.hMarkers).toEqual([{ value: 60, label: 'target 60 %', color: expect.any(String) }]);
    expect(service.vMarkers!.map((m) => m.value)).toEqual([60, 30, 70]);
    expect(service.xRange![0]).toBeLessThanOrEqual(30);
    expect(service.xRange![1]).toBeGreaterThanOrEqual(70);
    expect(fleetHtml).toMatch(/<tr class="chosen"><td class="num">60<\/td>/);
    expect(() => renderFleetSizeReport(curve, { target: 95, chosenFleet: 45 })).not.toThrow();
    expect(() => renderFleetSizeReport([], { target: 95, chosenFleet: 1 })).toThrow(/no points/);
  });
});

if (!existsSync(CHROMIUM)) console.warn(`report browser checks skipped: ${CHROMIUM} not found (Debian: apt-get install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))('reports in headless Chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-report-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart and the map with no errors', async () => {
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      for (const [name, html] of [['simulation', simHtml], ['comparison', compareHtml], ['fleet-size', fleetHtml]] as const) {
        const file = join(dir, `${name}.html`);
        writeFileSync(file, html);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) errors.push(`network request: ${r.url()}`);
        });
        await page.goto(`file://${file}`);
        const charts = await page.$$eval('[data-chart]', (boxes) =>
          boxes.map((b) => {
            const canvas = b.querySelector('canvas');
            return { id: b.id, w: canvas?.width ?? 0, h: canvas?.height ?? 0 };
          }),
        );
        expect(charts.length, name).toBe(embedded(html).charts.length);
        for (const c of charts) {
          expect(c.w, `${name} ${c.id}`).toBeGreaterThan(100);
          expect(c.h, `${name} ${c.id}`).toBeGreaterThan(100);
        }
        if (name === 'simulation') {
          const map = await page.$eval('[data-map] canvas', (el) => {
            // The test compiles without the DOM library: just the canvas calls used here.
            const canvas = el as unknown as {
              width: number;
              height: number;
              getAttribute(name: string): string | null;
              getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
            };
            const ctx = canvas.getContext('2d');
            const bg = canvas.getAttribute('data-background')!;
            const rgb = [1, 3, 5].map((i) => parseInt(bg.slice(i, i + 2), 16));
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let road = 0;
            let blue = 0;
            for (let i = 0; i < px.length; i += 4) {
              if (Math.abs(px[i] - rgb[0]) + Math.abs(px[i + 1] - rgb[1]) + Math.abs(px[i + 2] - rgb[2]) > 30) road++;
              if (px[i + 2] > px[i] + 60) blue++;
            }
            return { w: canvas.width, h: canvas.height, drawn: road / (px.length / 4), blue };
          });
          expect(map.w).toBeGreaterThan(300);
          expect(map.drawn).toBeGreaterThan(0.02); // roads and dots, not an empty background
          expect(map.blue).toBeGreaterThan(500); // pickup dots
        }
        if (SCREENSHOT_DIR) {
          writeFileSync(join(SCREENSHOT_DIR, `baton-report-${name}.html`), html);
          await page.screenshot({ path: join(SCREENSHOT_DIR, `baton-report-${name}.png`), fullPage: true });
        }
        expect(errors, name).toEqual([]);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
});
