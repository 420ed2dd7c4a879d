// The operations breakdown (where car-hours out of service go) on hand-made logs with known numbers and on engine
// runs with charging, cleaning, maintenance and remote assistance, checked against sums taken straight from the events.
import { describe, expect, it } from 'vitest';
import { withCharging } from '../../src/core/dispatch/charging.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import { OPERATION_STATES, operationsBreakdown, type OperationState } from '../../src/core/metrics/operations-breakdown.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { randomRequests } from '../dispatch/conformance.js';
import { street, trip as streetTrip } from '../street.js';

const of = <K extends SimEvent['kind']>(events: readonly SimEvent[], kind: K) => events.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind);

describe('operations breakdown: hand-made street', () => {
  const g = street('breakdown-test');
  const tt = new DijkstraTravelTimes(g);

  it('splits a cleaning visit into the drive, the bay queue and the bay; a second car queues for the one bay', () => {
    // Both cars drop off at node 2 at 150 s, free at 180, are due for maintenance (1 s of driving) and the centre is
    // at node 2 with one bay: car 0 is serviced 180–1980, car 1 waits 1800 s and is serviced 1980–3780.
    const { events, summary } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [streetTrip(g, 'a', 0, 0, 2), streetTrip(g, 'b', 0, 4, 2)],
      fleetSize: 2,
      depots: [0, 4],
      servicing: { centres: [{ node: 2, bays: 1, cleaningS: 600, maintenanceS: 1800 }], cleanEveryTrips: 1000, messProbability: 0, maintainEveryS: 1 },
      dispatcher: withServicing(greedy()),
      seed: 1,
    });
    const b = operationsBreakdown(events, { spanS: 3600, binS: 600 });
    expect(b.fleet).toBe(2);
    expect(b.carHours.toCentre).toBe(0); // sent where they stand
    expect(b.carHours.bayQueue).toBeCloseTo(1800 / 3600, 12);
    expect(b.carHours.maintenance).toBeCloseTo(3600 / 3600, 12);
    expect(b.carHours.cleaning).toBe(0);
    expect(b.totalCarHours).toBeCloseTo(1.5, 12);
    expect(b.totalCarHours).toBeCloseTo(summary.kpis.serviceHours, 12);
    expect(b.meanCarsOut).toBeCloseTo(1.5, 12); // 1.5 car-hours over one hour
    expect(b.equivalentCars.maintenance).toBeCloseTo(1, 12);
    expect(b.peakCarsOut).toBe(2);
    expect(b.peakAtS).toBe(180);
    expect(b.counts).toEqual({ chargingSessions: 0, cleanings: 0, maintenances: 2, assists: 0 });
    // Bins of 10 min: both out from 180 s, one from 1980 s (bin 3 = 1800–2400: 2 cars for 180 s, 1 for 420 s).
    expect(b.series.startS.slice(0, 7)).toEqual([0, 600, 1200, 1800, 2400, 3000, 3600]);
    expect(b.series.byState.bayQueue.slice(0, 4)).toEqual([420 / 600, 1, 1, 180 / 600]);
    expect(b.series.byState.maintenance.slice(0, 7)).toEqual([420 / 600, 1, 1, 1, 1, 1, 180 / 600]);
  });

  it('follows a drive to charge interrupted by an assist, and a car taken out of service while plugged in', () => {
    const log: SimEvent[] = [
      { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
      { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 0, seats: 2 },
      { kind: 'ChargingSiteOpened', timeS: 0, site: 0, node: 7, plugs: 1, powerKw: 50 },
      { kind: 'VehicleSentToCharge', timeS: 100, vehicle: 0, site: 0, socKwh: 5, targetSocKwh: 30 },
      { kind: 'AssistRequested', timeS: 150, vehicle: 0, node: 3, onboard: 0 },
      { kind: 'AssistStarted', timeS: 170, vehicle: 0, waitedS: 20 },
      { kind: 'AssistEnded', timeS: 350, vehicle: 0, waitedS: 20, heldS: 180 },
      { kind: 'VehicleArrived', timeS: 400, vehicle: 0, node: 7, distanceM: 500, energyKwh: 0.1, onboard: 0, diverted: false },
      { kind: 'ChargingStarted', timeS: 460, vehicle: 0, site: 0, socKwh: 4.9, waitedS: 60 },
      { kind: 'VehicleOutOfService', timeS: 500, vehicle: 0, reason: 'operator', fault: false, abandoned: 'none' },
      { kind: 'ChargingEnded', timeS: 1000, vehicle: 0, site: 0, socKwh: 30, energyKwh: 25.1, chargedS: 540, waitedS: 60 },
      { kind: 'VehicleStopped', timeS: 1000, vehicle: 0, node: 7 },
      { kind: 'VehicleInService', timeS: 1500, vehicle: 0, node: 7 },
      // Car 1 is held with riders on board (not on a stop), then sent to charge where it stands (no drive).
      { kind: 'AssistRequested', timeS: 200, vehicle: 1, node: 2, onboard: 1 },
      { kind: 'AssistStarted', timeS: 200, vehicle: 1, waitedS: 0 },
      { kind: 'AssistEnded', timeS: 380, vehicle: 1, waitedS: 0, heldS: 180 },
      { kind: 'VehicleSentToCharge', timeS: 1600, vehicle: 1, site: 0, socKwh: 5, targetSocKwh: 30 },
      { kind: 'ChargingStarted', timeS: 1600, vehicle: 1, site: 0, socKwh: 5, waitedS: 0 },
      { kind: 'VehicleIdle', timeS: 2000, vehicle: 1, node: 7 }, // the log ends with car 1 still plugged in
    ].sort((a, b) => a.timeS - b.timeS) as SimEvent[];
    const b = operationsBreakdown(log, { spanS: 2000, binS: 1000 });
    const hours = (s: number): number => s / 3600;
    const expected: Record<OperationState, number> = {
      toCharger: hours(50 + 50), // 100–150 and 350–400
      plugQueue: hours(60),
      plugged: hours(540 + 400), // car 0 until it unplugs, car 1 until the log ends
      toCentre: 0,
      bayQueue: 0,
      cleaning: 0,
      maintenance: 0,
      assistQueue: hours(20),
      assistHeld: hours(180 + 180),
      outOfService: hours(500), // stopped when it unplugged, back at 1500
    };
    for (const s of OPERATION_STATES) expect(b.carHours[s], s).toBeCloseTo(expected[s], 12);
    expect(b.meanCarsOut).toBeCloseTo((100 + 60 + 940 + 20 + 360 + 500) / 2000, 12);
    expect(b.peakCarsOut).toBe(2); // 200–350: car 0 in its assist or on its way, car 1 held
    expect(b.peakAtS).toBe(200);
    expect(b.counts).toEqual({ chargingSessions: 2, cleanings: 0, maintenances: 0, assists: 2 });
  });
});

describe('operations breakdown: engine runs on a synthetic city', () => {
  const { graph: city } = buildSyntheticCity({ seed: 5, widthM: 3000, heightM: 3000, blockM: 250 });
  const tt = new DijkstraTravelTimes(city);
  const requests = randomRequests(city, 500, 4 * 3600, 31);
  const run = () =>
    simulate({
      graph: city,
      travelTimes: tt,
      requests,
      fleetSize: 30,
      // A small battery, so that cars charge during the run, and frequent cleaning with few bays, so that cars queue.
      spec: { seats: 2, batteryKwh: 4, energyKwhPerKm: 0.15, reserveKwh: 0.5 },
      chargingSites: [{ node: Math.floor(city.nodeCount / 3), plugs: 1, powerKw: 5 }],
      servicing: { centres: [{ node: Math.floor(city.nodeCount / 2), bays: 1, cleaningS: 900, maintenanceS: 1800 }], cleanEveryTrips: 6, messProbability: 0.05, maintainEveryS: 2 * 3600 },
      assistance: { per1000Km: 50, operators: 1, serviceS: 300 },
      dispatcher: withServicing(withCharging(greedy())),
      seed: 9,
    });

  it('equals the sums the events state: plugged and bay time, queue waits, assist waits and holds, service hours', () => {
    const { events, summary } = run();
    const b = operationsBreakdown(events, { spanS: summary.kpis.spanS });
    const k = summary.kpis;
    const lastS = events[events.length - 1].timeS;
    const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
    // Stops still open at the end of the log run to its last event.
    const endedCharging = new Set(of(events, 'ChargingEnded').map((e) => `${e.vehicle}@${e.timeS - e.chargedS}`));
    const openPluggedS = sum(of(events, 'ChargingStarted').filter((e) => !endedCharging.has(`${e.vehicle}@${e.timeS}`)).map((e) => lastS - e.timeS));
    const endedService = new Set(of(events, 'ServiceEnded').map((e) => `${e.vehicle}@${e.timeS - e.servicedS}`));
    const openBay = (task: string): number => sum(of(events, 'ServiceStarted').filter((e) => e.task === task && !endedService.has(`${e.vehicle}@${e.timeS}`)).map((e) => lastS - e.timeS));
    expect(of(events, 'ChargingStarted').length).toBeGreaterThan(3);
    expect(of(events, 'ServiceStarted').length).toBeGreaterThan(3);
    expect(of(events, 'AssistRequested').length).toBeGreaterThan(3);
    expect(sum(of(events, 'ChargingStarted').map((e) => e.waitedS))).toBeGreaterThan(0);
    expect(sum(of(events, 'ServiceStarted').map((e) => e.waitedS))).toBeGreaterThan(0);

    expect(b.carHours.plugged * 3600).toBeCloseTo(sum(of(events, 'ChargingEnded').map((e) => e.chargedS)) + openPluggedS, 6);
    expect(b.carHours.plugQueue * 3600).toBeCloseTo(sum(of(events, 'ChargingStarted').map((e) => e.waitedS)), 6);
    expect(b.carHours.bayQueue * 3600).toBeCloseTo(sum(of(events, 'ServiceStarted').map((e) => e.waitedS)), 6);
    for (const task of ['cleaning', 'maintenance'] as const) {
      const inBay = sum(of(events, 'ServiceEnded').filter((e) => e.task === task).map((e) => e.servicedS)) + openBay(task);
      expect(b.carHours[task] * 3600, task).toBeCloseTo(inBay, 6);
    }
    const assistsEnded = of(events, 'AssistEnded');
    const openAssists = of(events, 'AssistRequested').length - assistsEnded.length;
    expect(openAssists).toBe(0);
    expect(b.carHours.assistQueue * 3600).toBeCloseTo(sum(assistsEnded.map((e) => e.waitedS)), 6);
    expect(b.carHours.assistHeld * 3600).toBeCloseTo(sum(assistsEnded.map((e) => e.heldS)), 6);
    expect(b.carHours.outOfService).toBe(0);
    expect(b.counts).toEqual({
      chargingSessions: of(events, 'ChargingStarted').length,
      cleanings: k.cleanings,
      maintenances: k.maintenances,
      assists: k.assists,
    });

    // Whole stops from the send to freeing up, minus the assists that fell inside them: charging and servicing time.
    const intervals: [number, number, number][] = []; // every car's out-of-service intervals, for the mean and the peak
    const inside = (v: number, from: number, to: number): number =>
      sum(assistsEnded.filter((e) => e.vehicle === v && e.timeS > from && e.timeS <= to).map((e) => e.waitedS + e.heldS));
    let chargeS = 0;
    let serviceS = 0;
    const sent = new Map<number, number>();
    for (const e of events) {
      if (e.kind === 'VehicleSentToCharge' || e.kind === 'VehicleSentToService') sent.set(e.vehicle, e.timeS);
      if (e.kind === 'ChargingEnded' || e.kind === 'ServiceEnded') {
        const from = sent.get(e.vehicle)!;
        const stopS = e.timeS - from - inside(e.vehicle, from, e.timeS);
        if (e.kind === 'ChargingEnded') chargeS += stopS;
        else serviceS += stopS;
        sent.delete(e.vehicle);
        intervals.push([from, e.timeS, e.vehicle]);
      }
    }
    for (const [v, from] of sent) {
      const isCharge = [...events].reverse().find((e) => (e.kind === 'VehicleSentToCharge' || e.kind === 'VehicleSentToService') && e.vehicle === v)!.kind === 'VehicleSentToCharge';
      const stopS = lastS - from - inside(v, from, lastS);
      if (isCharge) chargeS += stopS;
      else serviceS += stopS;
      intervals.push([from, lastS, v]);
    }
    expect((b.carHours.toCharger + b.carHours.plugQueue + b.carHours.plugged) * 3600).toBeCloseTo(chargeS, 6);
    expect((b.carHours.toCentre + b.carHours.bayQueue + b.carHours.cleaning + b.carHours.maintenance) * 3600).toBeCloseTo(serviceS, 6);
    expect(b.carHours.toCharger).toBeGreaterThan(0);
    expect(b.carHours.toCentre).toBeGreaterThan(0);

    // Assists outside a stop are intervals of their own (inside one, the stop's interval already covers them).
    for (const e of assistsEnded) {
      const from = e.timeS - e.waitedS - e.heldS;
      if (!intervals.some(([a, z, v]) => v === e.vehicle && from >= a && e.timeS <= z)) intervals.push([from, e.timeS, e.vehicle]);
    }
    const totalS = sum(intervals.map(([a, z]) => z - a));
    expect(b.totalCarHours * 3600).toBeCloseTo(totalS, 6);
    expect(b.meanCarsOut).toBeCloseTo(totalS / k.spanS, 9);
    // Peak: the most intervals open at once over a second or more (ends before starts at the same second).
    const marks = intervals.flatMap(([a, z]) => (z > a ? [[a, 1], [z, -1]] : [])).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let open = 0;
    let peak = 0;
    for (const [, d] of marks) peak = Math.max(peak, (open += d));
    expect(b.peakCarsOut).toBe(peak);
    expect(b.peakCarsOut).toBeGreaterThan(1);
    // The series is a time-weighted split of the same seconds.
    const seriesS = sum(OPERATION_STATES.map((s) => sum(b.series.byState[s]) * b.series.binS));
    expect(seriesS).toBeCloseTo(totalS, 6);
  });
});
