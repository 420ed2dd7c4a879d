// The scenario runner and the preset table: every preset builds from exactly the parts it declares and runs a tiny
// scenario; runs are reproducible; the runner passes the settings through to the engine.
import { DEFAULT_RIDE_LIMITS, type RideLimits } from '../../src/core/dispatch/pooled.js';
import { describe, expect, it } from 'vitest';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver, loadPooledSolver } from '../../src/io/highs-ilp.js';
import { DISPATCHER_NAMES, DISPATCHER_PRESETS, dispatcherPreset, presetNeeds, type PresetParts } from '../../src/io/dispatchers.js';
import { openScenarioRunner, type ScenarioRunner } from '../../src/io/scenario-runner.js';
import type { BinaryProgram } from '../../src/core/solve/ilp.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { packingProgram } from '../solve/programs.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { rideLimitViolations } from '../dispatch/ride-limits.js';

const TINY = parseSimSettings({ network: ['synthetic:nodes=400'], requests: 300, seed: 4, maxWaitS: 900 });
let runner: ScenarioRunner | undefined;
const tiny = async (): Promise<ScenarioRunner> => (runner ??= await openScenarioRunner(TINY));

describe('the preset table', () => {
  it('has unique names, and lookup of an unknown name lists the known ones', () => {
    const names = DISPATCHER_PRESETS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(() => dispatcherPreset('magic')).toThrow(/unknown dispatcher "magic" \(known: greedy, batch, pooled, pooled\+rebalance, batch\+rebalance, pooled\+anticipate, pooled\+admit\)/);
  });

  it.each(DISPATCHER_PRESETS.map((p) => [p.name, p] as const))('%s reads only the parts it declares', async (_name, preset) => {
    const r = await tiny();
    const real: PresetParts = { solver: packingBranchAndBound(await loadHighsBinarySolver()), forecast: await r.forecast(), charging: {}, rideLimits: DEFAULT_RIDE_LIMITS };
    const read = new Set<string>();
    const watched = new Proxy(real, {
      get(target, key: string) {
        read.add(key);
        return target[key as keyof PresetParts];
      },
    });
    (preset.build as (p: PresetParts) => unknown)(watched);
    expect([...read].sort()).toEqual([...preset.needs].sort());
  });
});

describe('ScenarioRunner', () => {
  it.each(DISPATCHER_PRESETS.map((p) => p.name))('%s builds and serves a tiny scenario', async (name) => {
    const r = await tiny();
    const { result, wallS } = await r.run(15, name);
    const k = result.summary.kpis;
    expect(k.dispatcher).toBe(name);
    expect(k.fleet).toBe(15);
    expect(k.requests).toBe(300);
    expect(k.served).toBeGreaterThan(250);
    expect(result.events.length).toBeGreaterThan(0); // no sink: the log is kept
    expect(wallS).toBeGreaterThan(0);
  });

  it('loads the scenario the settings describe and keeps the run settings', async () => {
    const r = await tiny();
    expect(r.scenario.requests).toHaveLength(300);
    expect(r.scenario.rejectedRows).toEqual({});
    expect(r.scenario.description.trips).toBe('synthetic demand (300 requests, seed 4)');
    expect(r.settings).toMatchObject({ seed: 4, seats: 2, maxWaitS: 900, batteryKwh: 40, reserveKwh: 4 });
    expect(r.settings.chargers).toBeUndefined();
    expect(r.chargingSites(15)).toEqual([]);
    expect(await r.forecast()).toBe(await r.forecast()); // read once
  });

  it('streams events to a sink without keeping them, identical to a kept log, and the same on a second run', async () => {
    const r = await tiny();
    const streamed: SimEvent[] = [];
    const a = await r.run(12, 'batch', { eventSink: (ev) => streamed.push(ev) });
    expect(a.result.events).toHaveLength(0);
    const b = await r.run(12, 'batch');
    expect(JSON.stringify(b.result.events)).toBe(JSON.stringify(streamed));
    expect(b.result.summary.kpis).toEqual(a.result.summary.kpis);
  });

  it('wraps the dispatcher when asked (benchmarks time decisions this way)', async () => {
    const r = await tiny();
    let calls = 0;
    const { result } = await r.run(10, 'greedy', {
      keepLog: false,
      eventSink: () => undefined,
      wrapDispatcher: (inner) => ({
        ...inner,
        decide(s, nowS) {
          calls++;
          return inner.decide(s, nowS);
        },
      }),
    });
    expect(calls).toBe(result.summary.dispatchCalls);
  });
});

describe('the ride limit of the pooled presets (--min-detour, --detour-share)', () => {
  const POOLED = DISPATCHER_NAMES.filter((name) => presetNeeds(name, 'rideLimits'));
  // Riders who rode longer than alone, and riders beyond the run's own limit.
  const rides = (r: ScenarioRunner, events: readonly SimEvent[]) => {
    const limits = { minDetourS: r.settings.minDetourS!, detourShare: r.settings.detourShare! };
    const over = (l: RideLimits) => rideLimitViolations(events, r.scenario.network.travelTimes, Infinity, 30, l);
    return { longer: over({ minDetourS: 0, detourShare: 0 }).length, beyondDefault: over(DEFAULT_RIDE_LIMITS).length, beyond: over(limits) };
  };

  it('reaches every pooled preset, live parameters included, and each run keeps it', async () => {
    const base = await tiny();
    expect(base.settings).toMatchObject(DEFAULT_RIDE_LIMITS);
    const tight = await openScenarioRunner({ ...TINY, minDetourS: 0, detourShare: 0 });
    const loose = await openScenarioRunner({ ...TINY, minDetourS: 900, detourShare: 2 });
    expect(tight.settings).toMatchObject({ minDetourS: 0, detourShare: 0 });
    expect(POOLED).toEqual(['pooled', 'pooled+rebalance', 'pooled+anticipate', 'pooled+admit']);
    for (const name of POOLED) {
      expect((await loose.dispatcher(name)).parameters!(), name).toMatchObject({ minDetourS: 900, detourShare: 2 });
      expect((await base.dispatcher(name)).parameters!(), name).toMatchObject(DEFAULT_RIDE_LIMITS);
    }
    const t = rides(tight, (await tight.run(15, 'pooled')).result.events);
    const d = rides(base, (await base.run(15, 'pooled')).result.events);
    const l = rides(loose, (await loose.run(15, 'pooled')).result.events);
    // No detour allowed: nobody rides longer than alone. The defaults and a looser limit let riders share, never
    // beyond the limit given; the looser one takes riders beyond the default limit.
    expect(t).toEqual({ longer: 0, beyondDefault: 0, beyond: [] });
    expect(d.beyond).toEqual([]);
    expect(l.beyond).toEqual([]);
    expect(d.longer).toBeGreaterThan(0);
    expect(l.beyondDefault).toBeGreaterThan(0);
  });
});

describe('the presets\' solver', () => {
  // n cars each with its own single (cost −1) and, for car k < n − 1, a pair with the next car's request (cost −3): a
  // packing program with partition rows whose optimum takes every other pair.
  const chain = (n: number): BinaryProgram => {
    const colStart = [0];
    const rowIndex: number[] = [];
    const cost: number[] = [];
    for (let k = 0; k < n; k++) {
      rowIndex.push(k, n + k);
      cost.push(-1);
      colStart.push(rowIndex.length);
      if (k < n - 1) {
        rowIndex.push(k, n + k, n + k + 1);
        cost.push(-3);
        colStart.push(rowIndex.length);
      }
    }
    return packingProgram(colStart, rowIndex, cost, 2 * n, n);
  };

  it("the presets' solver chain (decision 0026) solves small programs and ones above a thousand columns to the same optimum as an exhaustive branch and bound", async () => {
    const highs = await loadHighsBinarySolver();
    const solver = await loadPooledSolver();
    for (const n of [6, 501, 1200]) {
      const program = chain(n);
      const got = solver.solve(program)!;
      // Every pair of an alternating pattern: ⌊n/2⌋ pairs (−3 each) plus a single for a car left over (−1) when n is odd.
      expect(got.objective, `n = ${n}`).toBe(-3 * Math.floor(n / 2) - (n % 2));
      expect(got.objective).toBe(packingBranchAndBound(highs, 1_000_000).solve(program)!.objective);
    }
    expect(chain(1200).colCount).toBeGreaterThan(1000);
  });

});

describe('the preset names', () => {
  it('list the table rows in table order (the settings schema names presets without importing the table)', () => {
    expect(DISPATCHER_PRESETS.map((p) => p.name)).toEqual([...DISPATCHER_NAMES]);
  });
});
