// The shared charging policy on the hand-made street: where a low car charges (drive + expected wait), what the inner
// strategy sees, commands that break the energy invariant, troughs, and passing through without charging sites.
import { describe, expect, it } from 'vitest';
import { withCharging } from '../../src/core/dispatch/charging.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import type { DemandForecast } from '../../src/core/dispatch/rebalance.js';
import { VehicleStatus, dropoff, pickup, type Command, type Dispatcher, type FleetSnapshot } from '../../src/core/dispatch/types.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { eventToJson, type SimEvent } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { street, trip as streetTrip } from '../street.js';

const g = street('charging-policy', 5);
const tt = new DijkstraTravelTimes(g);
const trip = (id: string, requestS: number, pickupNode: number, dropoffNode: number) => streetTrip(g, id, requestS, pickupNode, dropoffNode);
// Sites at both ends of the street; one 10 kW plug each. Battery 2 kWh at 0.2 kWh/km.
const sites = [{ node: 0, plugs: 1, powerKw: 10 }, { node: 4, plugs: 1, powerKw: 10 }];
const spec = { batteryKwh: 2, energyKwhPerKm: 0.2, reserveKwh: 0.1 };
const of = (events: SimEvent[], kind: SimEvent['kind']) => events.filter((e) => e.kind === kind).map(eventToJson);

describe('withCharging', () => {
  it('sends a car that frees up low to the site with the least drive plus expected wait', () => {
    // Below 96 % counts as low: each car charges after its first trip. Both trips end at node 3, next to site 1 (node
    // 4). Car 1 (2→3) frees up first, at 120 s, and takes site 1 (500 m). When car 0 (1→3) frees up at 180 s, car 1
    // holds that plug: the expected wait (its 1.8 → 2 kWh charge, ≈ 376 s) costs more than the 1 km longer drive to
    // site 0, so it goes there.
    const { events, summary } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('a', 0, 1, 3), trip('b', 0, 2, 3)],
      fleetSize: 2,
      depots: [1, 2],
      spec,
      chargingSites: sites,
      dispatcher: withCharging(greedy(), { chargeBelowShare: 0.96, chargeToShare: 1 }),
      seed: 1,
      invalidCommands: 'record',
    });
    expect(of(events, 'VehicleSentToCharge')).toEqual([
      '{"kind":"VehicleSentToCharge","timeS":120,"vehicle":1,"site":1,"socKwh":1.9,"targetSocKwh":2}',
      '{"kind":"VehicleSentToCharge","timeS":180,"vehicle":0,"site":0,"socKwh":1.8,"targetSocKwh":2}',
    ]);
    expect(of(events, 'CommandInvalid')).toEqual([]);
    expect(summary.kpis.chargingSessions).toBe(2);
    expect(summary.kpis.served).toBe(2);
  });

  it('drops work that breaks the energy invariant, charges the car instead and announces the request again', () => {
    // Battery 0.8 kWh at 0.2 kWh/km, reserve 0.1; the only site at node 0. Car 0 (node 4) first serves 4→3 and holds
    // 0.7 kWh at node 3. Then the inner strategy offers it 2→4: 0.5 + 1 km, then 2 km to the site = 3.5 km, but
    // (0.7 − 0.1) / 0.2 = 3 km. The policy drops it, sends the car to charge (to full: it holds more than 80 %), and
    // the inner strategy sees the request as new once more at its next decision.
    const seen: { nowS: number; newRequests: number[]; status0: number }[] = [];
    const inner: Dispatcher = {
      name: 'stubborn',
      periodS: 10,
      decide(s: FleetSnapshot, nowS: number): Command[] {
        seen.push({ nowS, newRequests: [...s.newRequests], status0: s.vehicleStatus[0] });
        if (nowS === 0) return [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }];
        if (nowS === 200) return [{ kind: 'assign', vehicle: 0, stops: [pickup(1), dropoff(1)] }];
        return [];
      },
    };
    const { events } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('near', 0, 4, 3), trip('far', 150, 2, 4)],
      fleetSize: 1,
      depots: [4],
      spec: { ...spec, batteryKwh: 0.8 },
      chargingSites: [sites[0]],
      dispatcher: withCharging(inner),
      seed: 1,
      maxWaitS: 100,
      invalidCommands: 'record',
    });
    expect(of(events, 'CommandInvalid')).toEqual([]);
    expect(of(events, 'RequestAssigned')).toEqual(['{"kind":"RequestAssigned","timeS":0,"request":0,"vehicle":0,"previousVehicle":-1}']);
    expect(of(events, 'VehicleSentToCharge')).toEqual(['{"kind":"VehicleSentToCharge","timeS":200,"vehicle":0,"site":0,"socKwh":0.7,"targetSocKwh":0.8}']);
    expect(seen.filter((x) => x.nowS === 150 || x.nowS === 210)).toEqual([
      { nowS: 150, newRequests: [1], status0: VehicleStatus.idle },
      { nowS: 210, newRequests: [1], status0: VehicleStatus.charging },
    ]);
  });

  it('hides cars below the threshold from the inner strategy', () => {
    // Below 96 %: after its first trip car 0 is low; it is sent to charge as it frees up, and shows as charging to the
    // inner strategy from then on, even while the engine still has it idle at that decision.
    const statuses: number[] = [];
    const inner: Dispatcher = { name: 'watch', periodS: 10, decide: (s) => (statuses.push(s.vehicleStatus[0]), s.nowS === 0 ? [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }] : []) };
    simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('a', 0, 1, 2), trip('keep', 0, 4, 4 - 1)],
      fleetSize: 1,
      depots: [1],
      spec,
      chargingSites: sites,
      dispatcher: withCharging(inner, { chargeBelowShare: 0.96, chargeToShare: 1 }),
      seed: 1,
      maxWaitS: 300,
      invalidCommands: 'record',
    });
    // Decisions at 0..110 s see it working (driving/dwelling), from 120 s (freed, low) on: charging.
    expect(statuses.slice(12)).not.toContain(VehicleStatus.idle);
    expect(statuses[12]).toBe(VehicleStatus.charging);
  });

  it('charges in a forecast demand trough, only where a plug is free, and not outside one', () => {
    // The forecast expects nothing in the first hour and 10 requests an hour after: the first hour is a trough.
    const forecast: DemandForecast = {
      slotS: 3600,
      slotCount: 24,
      cellCount: 1,
      expected: Float64Array.from({ length: 24 }, (_, h) => (h === 0 ? 0 : 10)),
      cellNode: Uint32Array.of(2),
      nodeCell: new Int32Array(g.nodeCount).fill(0),
      cellIds: ['all'],
    };
    const run = (requestS: number) =>
      simulate({
        graph: g,
        travelTimes: tt,
        // 2 km at 0.2 kWh/km: the car frees up at 1.6 of 2 kWh (80 %), above the 30 % threshold, below the 90 % trough one.
        requests: [trip('long', requestS, 0, 4)],
        fleetSize: 1,
        depots: [0],
        spec,
        chargingSites: sites,
        dispatcher: withCharging(greedy(), { forecast, troughBelowShare: 0.9, chargeToShare: 0.95 }),
        seed: 1,
        invalidCommands: 'record',
      }).events;
    expect(of(run(0), 'VehicleSentToCharge')).toHaveLength(1);
    expect(of(run(2 * 3600), 'VehicleSentToCharge')).toHaveLength(0);
  });

  it('passes the inner commands through unchanged without charging sites', () => {
    const run = (d: Dispatcher) =>
      simulate({ graph: g, travelTimes: tt, requests: [trip('a', 0, 1, 3), trip('b', 5, 4, 0)], fleetSize: 1, depots: [2], dispatcher: d, seed: 1 }).events;
    expect(run(withCharging(greedy())).map(eventToJson)).toEqual(run(greedy()).map(eventToJson));
  });
});
