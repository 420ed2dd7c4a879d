// The report's energy and cost plots on a real run with charging sites (synthetic city, small batteries so that cars
// charge and queue): the energy fold agrees with the KPIs and the fleet-status series, the sections and charts are
// there only when the run had chargers / costs, and headless Chromium draws them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costInputsFromKpis, costSummary, DEFAULT_COST_PARAMETERS, type CostSummary } from '../../src/core/metrics/cost.js';
import { EnergySeriesAccumulator, type EnergySeries } from '../../src/core/metrics/energy-series.js';
import type { Kpis } from '../../src/core/metrics/kpis.js';
import { ReportSeriesAccumulator, type ReportSeries } from '../../src/core/metrics/report-series.js';
import type { ChartSpec } from '../../src/io/report/charts.js';
import { renderComparisonReport, renderSimulationReport } from '../../src/io/report/index.js';
import { openScenarioRunner, type ScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { haveChromium, launchChromium } from '../browser.js';

const SETTINGS = parseSimSettings({ network: ['synthetic:nodes=900'], requests: 1500, seed: 2, chargers: 'auto', batteryKwh: 5, reserveKwh: 0.8, carsPerSite: 20, plugsPerCar: 0.1 });
const FLEET = 40;

let runner: ScenarioRunner;
let kpis: Kpis;
let series: ReportSeries;
let energy: EnergySeries;
let cost: CostSummary;
let html: string;

function embedded(page: string): { charts: ChartSpec[] } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  return JSON.parse(m![1]) as { charts: ChartSpec[] };
}

beforeAll(async () => {
  runner = await openScenarioRunner(SETTINGS);
  const fold = new ReportSeriesAccumulator({ fleetBinS: 600 });
  const energyFold = new EnergySeriesAccumulator({ batteryKwh: SETTINGS.batteryKwh });
  const { result } = await runner.run(FLEET, 'greedy', { keepLog: false, subscribers: [fold, energyFold] });
  kpis = result.summary.kpis;
  series = fold.result();
  energy = energyFold.result()!;
  cost = costSummary(costInputsFromKpis(kpis), DEFAULT_COST_PARAMETERS);
  html = renderSimulationReport({ scenario: { network: 'synthetic', trips: 'synthetic', fleet: FLEET, dispatcher: 'greedy' }, kpis, series, graph: runner.scenario.network.graph, rejectedRows: {}, cost, energy, chargeBelowShare: SETTINGS.chargeBelow });
}, 120_000);

describe('energy series of a run with charging sites', () => {
  it('the run charges, and cars queue for plugs', () => {
    expect(kpis.chargingSessions).toBeGreaterThan(20);
    expect(kpis.chargeWaitHours).toBeGreaterThan(0);
  });

  it('plugged-in time adds up to the KPIs (sessions still plugged in at the end on top)', () => {
    const pluggedH = (energy.plugs.plugged.reduce((a, b) => a + b, 0) * energy.plugs.binS) / 3600;
    expect(pluggedH).toBeGreaterThanOrEqual(kpis.chargingHours - 1e-9);
    expect(pluggedH).toBeLessThan(kpis.chargingHours + FLEET * (energy.plugs.binS / 3600));
    const queuedH = (energy.plugs.queued.reduce((a, b) => a + b, 0) * energy.plugs.binS) / 3600;
    expect(queuedH).toBeCloseTo(kpis.chargeWaitHours, 6);
    for (const x of energy.plugs.plugged) expect(x).toBeLessThanOrEqual(energy.plugs.plugs + 1e-9);
    expect(energy.plugs.plugs).toBe(kpis.plugs);
  });

  it('SoC bands are ordered, within the battery, and never below the lowest SoC of the KPIs', () => {
    const { soc } = energy;
    expect(soc.atS.length).toBeGreaterThan(100);
    for (let i = 0; i < soc.atS.length; i++) {
      const row = [soc.min[i], soc.p10[i], soc.p25[i], soc.p50[i], soc.p75[i], soc.p90[i]];
      for (let j = 1; j < row.length; j++) expect(row[j]).toBeGreaterThanOrEqual(row[j - 1]);
      expect(soc.min[i]).toBeGreaterThanOrEqual(kpis.minSocKwh - 1e-6);
      expect(soc.p90[i]).toBeLessThanOrEqual(SETTINGS.batteryKwh + 1e-9);
    }
    expect(Math.min(...soc.min)).toBeLessThan(0.5 * SETTINGS.batteryKwh);
  });

  it('cars out of service for charging match the fleet-status series, and cover plugged and queued cars', () => {
    const oos = energy.outOfService.byReason.charging;
    const fs = series.fleetStatus;
    expect(energy.outOfService.startS.slice(0, -1)).toEqual(fs.startS.slice(0, -1));
    // The last bin differs only by where each fold closes open states (last event vs end of the bin).
    for (let i = 0; i < oos.length - 1; i++) expect(oos[i]).toBeCloseTo(fs.charging[i], 9);
    for (let i = 0; i < oos.length; i++) expect(oos[i] + 1e-9).toBeGreaterThanOrEqual(energy.plugs.plugged[i] + energy.plugs.queued[i]);
  });
});

describe('the report with energy and cost', () => {
  it('adds the energy section with its three charts, and the cost section', () => {
    const ids = embedded(html).charts.map((c) => c.id);
    expect(ids.slice(-3)).toEqual(['chart-soc', 'chart-plugs', 'chart-out-of-service']);
    expect(html).toContain('<section class="card" id="energy">');
    expect(html).toContain('<section class="card" id="cost">');
    const soc = embedded(html).charts.find((c) => c.id === 'chart-soc')!;
    expect(soc.yFormat).toBe('percent');
    expect(soc.hMarkers).toEqual([{ value: 30, label: 'charge below 30 %', color: expect.any(String) }]);
    const plugs = embedded(html).charts.find((c) => c.id === 'chart-plugs')!;
    expect(plugs.hMarkers![0].value).toBe(kpis.plugs);
    const out = embedded(html).charts.find((c) => c.id === 'chart-out-of-service')!;
    expect(out.series.map((s) => s.label)).toEqual(['Charging: plugged in', 'Charging: queued for a plug', 'Charging: driving to the site']);
  });

  it('the cost table gives every item and the total per mile', () => {
    const table = /<table[^>]*id="cost-table"[\s\S]*?<\/table>/.exec(html)![0];
    const rows = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
    expect(rows.map((r) => r[0])).toEqual(['Vehicle (price over its life)', 'Energy', 'Charging infrastructure', 'Cleaning', 'Maintenance', 'Insurance', 'Remote assistance', 'Depot', 'Total cost', 'Revenue', 'Margin']);
    expect(rows[8][1]).toBe(`$${cost.costPerMileUsd.toFixed(3)}`);
    expect(html).toContain(`$${cost.costPerMileUsd.toFixed(2)} per vehicle mile`);
  });

  it('the comparison report adds a cost table by run, the cheaper run highlighted, only when every run has costs', () => {
    const dear = costSummary(costInputsFromKpis(kpis), { ...DEFAULT_COST_PARAMETERS, vehiclePriceUsd: 200_000 });
    const runs = [
      { label: 'cheap cars', kpis, series, cost },
      { label: 'dear cars', kpis, series, cost: dear },
    ];
    const page = renderComparisonReport(runs, { network: 'synthetic', trips: 'synthetic' });
    const table = /<table[^>]*id="comparison-cost"[\s\S]*?<\/table>/.exec(page)![0];
    const total = /<tr class="total"><td>Total cost per vehicle mile<\/td>([\s\S]*?)<\/tr>/.exec(table)![1];
    const cells = [...total.matchAll(/<td class="([^"]*)">([^<]*)<\/td>/g)].map((m) => [m[1].includes('best'), m[2]]);
    expect(cells).toEqual([
      [true, `$${cost.costPerMileUsd.toFixed(3)}`],
      [false, `$${dear.costPerMileUsd.toFixed(3)}`],
    ]);
    expect(renderComparisonReport([runs[0], { ...runs[1], cost: undefined }], { network: 'synthetic', trips: 'synthetic' })).not.toContain('id="comparison-cost"');
  });

  it('leaves both sections out for a run without chargers or costs', () => {
    const plain = renderSimulationReport({ scenario: { network: 'synthetic', trips: 'synthetic' }, kpis, series, graph: runner.scenario.network.graph, rejectedRows: {} });
    expect(plain).not.toContain('id="energy"');
    expect(plain).not.toContain('id="cost"');
    expect(embedded(plain).charts.map((c) => c.id)).not.toContain('chart-soc');
  });
});

describe.skipIf(!haveChromium())('energy and cost plots in headless Chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-report-energy-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the energy charts and the cost bars in proportion, with no errors', async () => {
    const context = await launchChromium(join(dir, 'profile'), { width: 1280, height: 900 });
    try {
      const file = join(dir, 'report.html');
      writeFileSync(file, html);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`file://${file}`);
      for (const id of ['chart-soc', 'chart-plugs', 'chart-out-of-service']) {
        const size = await page.$eval(`#${id} canvas`, (c) => ({ w: (c as unknown as { width: number }).width, h: (c as unknown as { height: number }).height }));
        expect(size.w, id).toBeGreaterThan(100);
        expect(size.h, id).toBeGreaterThan(100);
      }
      const bars = await page.$$eval('#cost-breakdown .cost-row', (rows) =>
        rows.map((r) => ({ item: r.getAttribute('data-item'), width: (r.querySelector('.cost-bar') as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width })),
      );
      expect(bars.map((b) => b.item)).toEqual(cost.items.map((l) => l.item));
      const largest = cost.items.reduce((a, b) => (b.totalUsd > a.totalUsd ? b : a));
      const full = bars.find((b) => b.item === largest.item)!.width;
      expect(full).toBeGreaterThan(50);
      for (const line of cost.items) expect(bars.find((b) => b.item === line.item)!.width).toBeCloseTo((full * line.totalUsd) / largest.totalUsd, 0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the report of a run with cleaning, maintenance and remote assistance but no charging sites', () => {
  it('plots bay occupancy and cars out of service by reason, and the new fleet states, without SoC or plugs', async () => {
    const settings = parseSimSettings({ network: ['synthetic:nodes=400'], requests: 300, seed: 3, serviceCentres: 'auto', cleanEveryTrips: 3, assist: true, assistRate: 100 });
    const ops = await openScenarioRunner(settings);
    const fold = new ReportSeriesAccumulator({ fleetBinS: 600 });
    const energyFold = new EnergySeriesAccumulator({ batteryKwh: 40 });
    const { result } = await ops.run(15, 'greedy', { keepLog: false, subscribers: [fold, energyFold] });
    const opsSeries = fold.result();
    const opsEnergy = energyFold.result()!;
    expect(result.summary.kpis.cleanings).toBeGreaterThan(0);
    expect(result.summary.kpis.assists).toBeGreaterThan(0);
    expect(opsEnergy.bays!.bays).toBe(result.summary.kpis.bays);
    // Visits from being sent to leaving the bay, as the KPIs count them, less the assists on the way (their own layer).
    const servicingH = (opsEnergy.outOfService.byReason.servicing.reduce((a, b) => a + b, 0) * opsEnergy.outOfService.binS) / 3600;
    expect(servicingH).toBeGreaterThan(0);
    expect(servicingH).toBeLessThanOrEqual(result.summary.kpis.serviceHours + 1e-9);
    for (let i = 0; i < opsSeries.fleetStatus.startS.length - 1; i++) {
      expect(opsSeries.fleetStatus.servicing[i]).toBeCloseTo(opsEnergy.outOfService.byReason.servicing[i], 9);
    }
    const page = renderSimulationReport({ scenario: { network: 'synthetic', trips: 'synthetic', fleet: 15, dispatcher: 'greedy' }, kpis: result.summary.kpis, series: opsSeries, graph: ops.scenario.network.graph, rejectedRows: {}, energy: opsEnergy });
    const charts = embedded(page).charts;
    expect(charts.map((c) => c.id).slice(-2)).toEqual(['chart-bays', 'chart-out-of-service']);
    expect(charts.find((c) => c.id === 'chart-bays')!.hMarkers![0].value).toBe(result.summary.kpis.bays);
    expect(charts.find((c) => c.id === 'chart-out-of-service')!.series.map((s) => s.label)).toEqual([
      'Cleaning or maintenance (driving there, queued, in a bay)',
      'Remote assistance (waiting for an operator, held)',
    ]);
    const status = charts.find((c) => c.id === 'chart-fleet-status')!.series.map((s) => s.label);
    expect(status).toContain('Cleaning or maintenance (driving there, queued, in a bay)');
    expect(status).toContain('Held for remote assistance');
    expect(status).not.toContain('Charging (driving there, queued, plugged)');
    expect(page).toContain('Fleet operations over the day');
  }, 120_000);
});
