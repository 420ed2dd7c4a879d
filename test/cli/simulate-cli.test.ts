// End-to-end: `baton simulate` and `baton compare` as a user runs them — default scenario, files written, errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-sim-cli-'));
const SF_TRIPS = 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz';

describe('baton simulate', () => {
  it('with no arguments runs the default day on the built-in city and prints the KPIs', () => {
    const r = runCli(['simulate']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/requests\s+12000/);
    expect(r.stdout).toMatch(/within 5 min\s+\d+\.\d %/);
    expect(r.stdout).toMatch(/fleet\s+200 cars/);
    expect(r.stdout).toMatch(/dispatcher\s+pooled\+rebalance/); // the best preset is the default
  });

  it('writes --json with the documented fields, a deterministic --events log and a --report page', () => {
    const args = ['simulate', '--requests', '1500', '--fleet', '40', '--seed', '3', '--dispatcher', 'greedy'];
    const a = runCli([...args, '--json', join(dir, 'k.json'), '--events', join(dir, 'a.ndjson'), '--report', join(dir, 'r.html')]);
    expect(a.status).toBe(0);
    const k = JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8'));
    for (const f of ['requests', 'served', 'cancelled', 'servedPct', 'within5MinPct', 'waitMeanS', 'waitP50S', 'waitP95S', 'rideTimeMeanS', 'vehicleKm', 'emptyKm', 'emptyShare', 'utilization', 'tripsPerVehiclePerDay', 'fleet', 'dispatcher', 'wallS', 'rejectedRows']) {
      expect(k).toHaveProperty(f);
    }
    expect(k.requests).toBe(1500);
    expect(k.fleet).toBe(40);
    const b = runCli([...args, '--events', join(dir, 'b.ndjson')]);
    expect(b.status).toBe(0);
    const log = readFileSync(join(dir, 'a.ndjson'), 'utf8');
    expect(log).toBe(readFileSync(join(dir, 'b.ndjson'), 'utf8'));
    expect(log.split('\n').filter((l) => l.includes('"PickedUp"')).length).toBe(k.served);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<html/);
    expect(html).toContain('greedy');
    // --explain adds one PlanExplained line per new plan and changes nothing else in the log.
    const c = runCli([...args, '--events', join(dir, 'c.ndjson'), '--explain']);
    expect(c.status).toBe(0);
    const explained = readFileSync(join(dir, 'c.ndjson'), 'utf8').split('\n');
    expect(log).not.toContain('"PlanExplained"');
    expect(explained.filter((l) => l.includes('"kind":"PlanExplained"')).length).toBe(log.split('\n').filter((l) => l.includes('"kind":"RequestAssigned"')).length);
    expect(explained.filter((l) => !l.includes('"kind":"PlanExplained"')).join('\n')).toBe(log);
  });

  it('compare runs several presets on one scenario and writes one KPI object per dispatcher', () => {
    const r = runCli(['compare', '--requests', '800', '--fleet', '30', '--dispatchers', 'greedy,batch', '--json', join(dir, 'c.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/greedy\s+batch/);
    const runs = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(runs.map((x: { dispatcher: string }) => x.dispatcher)).toEqual(['greedy', 'batch']);
    expect(runs[0].requests).toBe(runs[1].requests);
  });

  it('explains bad options instead of crashing', () => {
    expect(runCli(['simulate', '--fleet', '0']).stderr).toMatch(/baton: --fleet "0": expected an integer in 1\.\.10000000\n$/);
    expect(runCli(['simulate', '--dispatcher', 'magic']).stderr).toMatch(/--dispatcher "magic": expected one of greedy, batch, pooled/);
    expect(runCli(['compare', '--dispatchers', 'greedy,magic']).stderr).toMatch(/--dispatchers "greedy,magic": unknown magic \(known: greedy/);
    expect(runCli(['simulate', '--bbox', '1,2']).stderr).toMatch(/--bbox "1,2": expected minLon,minLat,maxLon,maxLat/);
    expect(runCli(['simulate', '--trips', join(dir, 'none.csv'), '--format', 'baton']).stderr).toMatch(/none\.csv: file not found/);
    expect(runCli(['simulate', '--date', '2008-05-21']).stderr).toMatch(/apply to --trips/);
  });

  it('spells shared options the same in every command and shows their defaults in --help', () => {
    const help = (cmd: string) => runCli([cmd, '--help']).stdout.replace(/\s+/g, ' ');
    for (const cmd of ['simulate', 'compare', 'fleet-size']) {
      const h = help(cmd);
      for (const opt of ['--network <input...>', '--trips <file>', '--seed <n>', '--seats <n>', '--max-wait <s>', '--snap-cutoff <m>', '--share <0..1>']) expect(h).toContain(opt);
      expect(h).toMatch(/--max-wait <s> cancel a request not picked up within this many seconds \(default: 600\)/);
    }
    expect(help('simulate')).toMatch(/--fleet <n> number of cars \(default: 200\)/);
    expect(help('simulate')).toMatch(/\(default: pooled\+rebalance\)/);
    expect(help('compare')).toMatch(/\(default: greedy,batch,batch\+rebalance\)/);
  });
});

describe.skipIf(!haveSharedData(SF_NODES, SF_EDGES, SF_TRIPS))('baton simulate on San Francisco', () => {
  it('replays 2008-05-21 with rejected rows reported, and --bbox keeps only trips inside the box', () => {
    const net = join(dir, 'sf.baton');
    expect(runCli(['network', 'build', sharedData('san-francisco'), '-o', net]).status).toBe(0);
    const common = ['simulate', '--network', net, '--trips', sharedData(SF_TRIPS), '--format', 'sf-cabspotting', '--date', '2008-05-21', '--fleet', '500', '--dispatcher', 'greedy'];
    const all = runCli([...common, '--json', join(dir, 'sf.json')]);
    expect(all.status).toBe(0);
    const k = JSON.parse(readFileSync(join(dir, 'sf.json'), 'utf8'));
    expect(k.requests).toBe(14_521);
    expect(k.rejectedRows).toMatchObject({ outside_date: 115_504, pickup_off_network: 1_097, dropoff_off_network: 1_120 });
    const box = runCli([...common, '--bbox', '-122.45,37.76,-122.38,37.81', '--json', join(dir, 'box.json')]);
    const kb = JSON.parse(readFileSync(join(dir, 'box.json'), 'utf8'));
    expect(box.status).toBe(0);
    expect(kb.rejectedRows.outside_bbox).toBeGreaterThan(1000);
    expect(kb.requests + kb.rejectedRows.outside_bbox).toBeLessThanOrEqual(k.requests + 1_097 + 1_120 + 1);
  });
});
