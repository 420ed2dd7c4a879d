// Energy and charging in the engine: the charging curve, the way to the nearest charger, the energy invariant in
// command validation, and charging stops (drive there, FIFO plug queue, curve, free up idle) on the hand-made street.
import { describe, expect, it } from 'vitest';
import { dropoff, pickup, type Command, type Dispatcher, type FleetSnapshot } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { CHARGE_CURVE, EnergyModel, chargeDurationS, unservableTrips } from '../../src/core/sim/energy.js';
import { eventToJson, type SimEvent } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { street, trip as streetTrip } from '../street.js';

const g = street('energy-test');
const tt = new DijkstraTravelTimes(g);
const trip = (id: string, requestS: number, pickupNode: number, dropoffNode: number) => streetTrip(g, id, requestS, pickupNode, dropoffNode);

describe('charging curve', () => {
  it('charges at full power up to 80 %, then tapers to a floor', () => {
    // 40 kWh battery, 50 kW: 10 → 32 kWh (the knee) at full power is 22 / 50 h.
    expect(chargeDurationS(10, 32, 50, 40)).toBe(Math.ceil((22 / 50) * 3600));
    // Above the knee it is slower than full power, and the last percent slowest of all.
    const fullPower = (kwh: number) => (kwh / 50) * 3600;
    expect(chargeDurationS(32, 36, 50, 40)).toBeGreaterThan(fullPower(4));
    expect(chargeDurationS(39.6, 40, 50, 40)).toBe(Math.ceil(fullPower(0.4) / CHARGE_CURVE.floorShare));
    // Closed form of the taper: ds/dt = P (B − s) / (0.2 B) from 32 to 36 kWh: t = 8/50 h × ln(8 / 4).
    expect(chargeDurationS(32, 36, 50, 40)).toBe(Math.ceil((8 / 50) * Math.log(2) * 3600));
    expect(chargeDurationS(20, 20, 50, 40)).toBe(0);
    expect(chargeDurationS(30, 10, 50, 40)).toBe(0);
  });

  it('adds up piece by piece: from a to c equals a to b plus b to c (to the rounding second)', () => {
    for (const [a, b, c] of [[5, 30, 38], [31, 33, 39.9], [1, 39.5, 40]]) {
      const whole = chargeDurationS(a, c, 22, 40);
      const parts = chargeDurationS(a, b, 22, 40) + chargeDurationS(b, c, 22, 40);
      expect(Math.abs(whole - parts)).toBeLessThanOrEqual(1);
    }
  });
});

describe('energy model', () => {
  it('knows, from every node, the fastest way to the nearest site and its length', () => {
    const model = new EnergyModel(g, tt, [{ node: 0, plugs: 1, powerKw: 10 }, { node: 4, plugs: 1, powerKw: 10 }], { batteryKwh: 1, energyKwhPerKm: 0.2, reserveKwh: 0.1 });
    expect(Array.from(model.nearestSite)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(model.toChargerM)).toEqual([0, 500, 1000, 500, 0]);
    expect(Array.from(model.fromChargerM)).toEqual([0, 500, 1000, 500, 0]);
    expect(model.legM(0, 3)).toBe(1500);
    expect(model.legM(3, 3)).toBe(0);
  });

  it('bounds every leg from above without a route query, and tighter from travel times (the check is exact either way)', () => {
    const { graph: city } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
    const cityTt = new DijkstraTravelTimes(city);
    const model = new EnergyModel(city, cityTt, [{ node: 0, plugs: 1, powerKw: 10 }], { batteryKwh: 1, energyKwhPerKm: 0.2, reserveKwh: 0.1 });
    const rng = new Rng(7);
    for (let k = 0; k < 2000; k++) {
      const a = rng.int(city.nodeCount);
      const b = rng.int(city.nodeCount);
      const m = cityTt.route(a, b).distanceM;
      expect(model.legUpperM(a, b)).toBeGreaterThanOrEqual(m);
      expect(model.legTimeBoundM(a, b)).toBeGreaterThanOrEqual(m);
      expect(model.legTimeBoundM(a, b)).toBeLessThanOrEqual(model.legUpperM(a, b) * (1 + 1e-8));
    }
    expect(model.legUpperM(5, 5)).toBe(0);
  });

  it('finds trips no car could serve on a full battery, from the charger nearest the pickup and on to one', () => {
    // Site at node 0; 0.5 kWh less 0.1 reserve at 0.2 kWh/km = 2 km. 1→2: 0.5 + 0.5 + 1 km fits; 3→4: 1.5 + 0.5 + 2 km does not.
    const model = new EnergyModel(g, tt, [{ node: 0, plugs: 1, powerKw: 10 }], { batteryKwh: 0.5, energyKwhPerKm: 0.2, reserveKwh: 0.1 });
    const trips = [{ pickupNode: 1, dropoffNode: 2 }, { pickupNode: 3, dropoffNode: 4 }, { pickupNode: 2, dropoffNode: 3 }];
    expect(unservableTrips(model, trips)).toEqual({ count: 2, worst: { index: 1, fromChargerM: 1500, tripM: 500, toChargerM: 2000 } });
    expect(unservableTrips(model, trips.slice(0, 1))).toEqual({ count: 0, worst: null });
  });
});

/** Plays back a fixed script (commands by decision time, every 10 s) and records what energyCheck said of each. */
function scripted(script: Record<number, Command[]>, checks: (string | null)[] = []): Dispatcher {
  return {
    name: 'scripted',
    periodS: 10,
    decide: (s: FleetSnapshot, nowS) => {
      const cmds = script[nowS] ?? [];
      for (const c of cmds) checks.push(s.energyCheck(c));
      return cmds;
    },
  };
}

const brief = (evs: SimEvent[], kinds: SimEvent['kind'][]) => evs.filter((e) => kinds.includes(e.kind)).map(eventToJson);

describe('the energy invariant', () => {
  // Battery 0.5 kWh at 0.2 kWh/km, reserve 0.1 kWh: 2 km to drive before the reserve. One site at node 0.
  // A car at node 4 (2 km from the site) may serve 4→3 (0.5 km, then 1.5 km to the site) but not 3→4 (0.5 + 0.5 + 2 km).
  const spec = { batteryKwh: 0.5, energyKwhPerKm: 0.2, reserveKwh: 0.1 };
  const requests = [trip('back', 0, 3, 4), trip('towards', 0, 4, 3), trip('late', 1000, 0, 1)];
  const run = (script: Record<number, Command[]>, checks?: (string | null)[]) =>
    simulate({ graph: g, travelTimes: tt, requests, fleetSize: 1, depots: [4], spec, chargingSites: [{ node: 0, plugs: 1, powerKw: 10 }], dispatcher: scripted(script, checks), seed: 1, invalidCommands: 'record' });

  it('refuses a plan the car could not finish and still reach a charger with its reserve, and says why', () => {
    const checks: (string | null)[] = [];
    const { events } = run({ 0: [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }, { kind: 'assign', vehicle: 0, stops: [pickup(1), dropoff(1)] }] }, checks);
    const invalid = events.filter((e) => e.kind === 'CommandInvalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0].kind === 'CommandInvalid' && invalid[0].reason).toBe(
      'vehicle 0 needs 0.60 kWh to finish and reach a charger with the 0.1 kWh reserve; the battery holds 0.50 kWh',
    );
    // The snapshot's check said the same before the engine applied anything.
    expect(checks).toEqual([invalid[0].kind === 'CommandInvalid' && invalid[0].reason, null]);
    // The allowed trip is served (after the 30 s pickup dwell); the log carries the SoC.
    expect(brief(events, ['VehicleArrived'])).toEqual([
      '{"kind":"VehicleArrived","timeS":90,"vehicle":0,"node":3,"distanceM":500,"energyKwh":0.1,"onboard":1,"diverted":false,"socKwh":0.4}',
    ]);
  });

  it('refuses rebalancing beyond reach, charging at a site that does not exist or to an impossible SoC', () => {
    const { events } = run({
      0: [
        { kind: 'rebalance', vehicle: 0, node: 3 },
        { kind: 'charge', vehicle: 0, site: 1, targetSocKwh: 0.5 },
        { kind: 'charge', vehicle: 0, site: 0, targetSocKwh: 0.6 },
      ],
    });
    const reasons = events.flatMap((e) => (e.kind === 'CommandInvalid' ? [e.reason] : []));
    expect(reasons).toEqual(['charging site 1 does not exist (1 sites)', 'targetSocKwh 0.6 must be in (0, 0.5] kWh']);
    // Rebalancing to node 3 (0.5 km, then 1.5 km to the site) is fine.
    expect(brief(events, ['VehicleRebalanced'])).toHaveLength(1);
  });
});

describe('charging stops', () => {
  // Battery 2 kWh at 0.2 kWh/km, one slow plug (6 kW) at node 0. Cars at nodes 2 and 3 are both sent to charge full.
  const spec = { batteryKwh: 2, energyKwhPerKm: 0.2, reserveKwh: 0.2 };
  const sites = [{ node: 0, plugs: 1, powerKw: 6 }];
  // Never served: its cancellation at 3000 s keeps the periodic dispatcher running.
  const requests = [trip('keep', 0, 1, 2)];
  const script: Record<number, Command[]> = {
    0: [{ kind: 'charge', vehicle: 0, site: 0, targetSocKwh: 2 }, { kind: 'charge', vehicle: 1, site: 0, targetSocKwh: 2 }],
    // Charging cars take no work.
    200: [{ kind: 'rebalance', vehicle: 1, node: 4 }, { kind: 'assign', vehicle: 0, stops: [] }],
  };
  const { events, summary } = simulate({ graph: g, travelTimes: tt, requests, fleetSize: 2, depots: [2, 3], spec, chargingSites: sites, dispatcher: scripted(script), seed: 1, maxWaitS: 3000, invalidCommands: 'record' });

  it('drives there, queues first come first served for the plug, charges along the curve and frees up idle', () => {
    // Car 0: 1 km in 120 s, 1.8 kWh left, plugs in at once. Car 1: 1.5 km in 180 s, 1.7 kWh, waits for car 0.
    const end0 = 120 + chargeDurationS(1.8, 2, 6, 2);
    const end1 = end0 + chargeDurationS(1.7, 2, 6, 2);
    expect(brief(events, ['ChargingSiteOpened', 'VehicleSentToCharge', 'VehicleDeparted', 'ChargingStarted', 'ChargingEnded', 'VehicleIdle'])).toEqual([
      '{"kind":"ChargingSiteOpened","timeS":0,"site":0,"node":0,"plugs":1,"powerKw":6}',
      '{"kind":"VehicleSentToCharge","timeS":0,"vehicle":0,"site":0,"socKwh":2,"targetSocKwh":2}',
      '{"kind":"VehicleDeparted","timeS":0,"vehicle":0,"fromNode":2,"toNode":0,"arriveS":120,"onboard":0,"purpose":"charge"}',
      '{"kind":"VehicleSentToCharge","timeS":0,"vehicle":1,"site":0,"socKwh":2,"targetSocKwh":2}',
      '{"kind":"VehicleDeparted","timeS":0,"vehicle":1,"fromNode":3,"toNode":0,"arriveS":180,"onboard":0,"purpose":"charge"}',
      '{"kind":"ChargingStarted","timeS":120,"vehicle":0,"site":0,"socKwh":1.8,"waitedS":0}',
      `{"kind":"ChargingEnded","timeS":${end0},"vehicle":0,"site":0,"socKwh":2,"energyKwh":0.2,"chargedS":${end0 - 120},"waitedS":0}`,
      `{"kind":"VehicleIdle","timeS":${end0},"vehicle":0,"node":0}`,
      `{"kind":"ChargingStarted","timeS":${end0},"vehicle":1,"site":0,"socKwh":1.7,"waitedS":${end0 - 180}}`,
      `{"kind":"ChargingEnded","timeS":${end1},"vehicle":1,"site":0,"socKwh":2,"energyKwh":0.3,"chargedS":${end1 - end0},"waitedS":${end0 - 180}}`,
      `{"kind":"VehicleIdle","timeS":${end1},"vehicle":1,"node":0}`,
    ]);
  });

  it('refuses work for a charging car', () => {
    const reasons = events.flatMap((e) => (e.kind === 'CommandInvalid' ? [e.reason] : []));
    expect(reasons).toEqual(['vehicle 1 is charging and takes no work until it frees up', 'vehicle 0 is charging and takes no work until it frees up']);
  });

  it('counts charging in the KPIs', () => {
    const k = summary.kpis;
    expect(k.chargingSessions).toBe(2);
    expect(k.chargedKwh).toBeCloseTo(0.5, 9);
    expect(k.vehiclesCharged).toBe(2);
    expect(k.plugs).toBe(1);
    expect(k.minSocKwh).toBeCloseTo(1.7, 9);
    expect(k.chargeWaitMeanS).toBeGreaterThan(0);
  });
});

describe('runs without charging sites', () => {
  it('log no SoC and accept no charge command', () => {
    const { events } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('a', 0, 1, 2), trip('late', 500, 0, 1)],
      fleetSize: 1,
      depots: [0],
      dispatcher: scripted({ 0: [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }, { kind: 'charge', vehicle: 0, site: 0, targetSocKwh: 1 }] }),
      seed: 1,
      invalidCommands: 'record',
    });
    expect(events.some((e) => e.kind === 'VehicleArrived' && 'socKwh' in e)).toBe(false);
    expect(brief(events, ['CommandInvalid'])).toEqual([
      '{"kind":"CommandInvalid","timeS":0,"command":"{\\"kind\\":\\"charge\\",\\"vehicle\\":0,\\"site\\":0,\\"targetSocKwh\\":1}","reason":"this run has no charging sites"}',
    ]);
  });
});
