// KPI fold on hand-made event logs: every figure computed by hand.
import { describe, expect, it } from 'vitest';
import { computeKpis, formatSpan, percentileSorted, scaleKpisToDay } from '../../src/core/metrics/kpis.js';
import type { SimEvent } from '../../src/core/sim/events.js';

const sub = (timeS: number, request: number): SimEvent => ({ kind: 'RequestSubmitted', timeS, request, id: `r${request}`, pickupNode: 0, dropoffNode: 1, riders: 1, acceptsSharing: false });
const leg = (timeS: number, vehicle: number, distanceM: number, onboard: number): SimEvent => ({ kind: 'VehicleArrived', timeS, vehicle, node: 0, distanceM, energyKwh: distanceM / 1000 * 0.15, onboard, diverted: false });

// Two vehicles, 4 requests in hours 0 and 1 (durationS therefore 2 h):
//   r0 t=0: v0 departs 0, picks up at 100 (wait 100), drops off at 400 (ride 300), idle at 430.
//   r1 t=50: v1 departs 50, picks up at 450 (wait 400 > 300), drops off at 650 (ride 200), idle at 680.
//   r2 t=3700: cancelled at 4300.   r3 t=3800: rejected at 3800.
const log: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 0, seats: 2 },
  sub(0, 0),
  { kind: 'VehicleDeparted', timeS: 0, vehicle: 0, fromNode: 0, toNode: 1, arriveS: 100, onboard: 0, purpose: 'stop' },
  sub(50, 1),
  { kind: 'VehicleDeparted', timeS: 50, vehicle: 1, fromNode: 0, toNode: 1, arriveS: 450, onboard: 0, purpose: 'stop' },
  leg(100, 0, 1000, 0),
  { kind: 'PickedUp', timeS: 100, request: 0, vehicle: 0, riders: 1, waitS: 100 },
  leg(400, 0, 3000, 1),
  { kind: 'DroppedOff', timeS: 400, request: 0, vehicle: 0, riders: 1, rideS: 300 },
  { kind: 'VehicleIdle', timeS: 430, vehicle: 0, node: 1 },
  leg(450, 1, 2000, 0),
  { kind: 'PickedUp', timeS: 450, request: 1, vehicle: 1, riders: 1, waitS: 400 },
  leg(650, 1, 2000, 1),
  { kind: 'DroppedOff', timeS: 650, request: 1, vehicle: 1, riders: 1, rideS: 200 },
  { kind: 'VehicleIdle', timeS: 680, vehicle: 1, node: 1 },
  sub(3700, 2),
  sub(3800, 3),
  { kind: 'RequestRejected', timeS: 3800, request: 3, reason: 'test' },
  { kind: 'RequestCancelled', timeS: 4300, request: 2, vehicle: -1, reason: 'max_wait' },
];

describe('computeKpis', () => {
  it('counts the dispatcher\'s rejections by reason, keys sorted', () => {
    const more: SimEvent[] = [...log, sub(3900, 4), sub(3900, 5), sub(3950, 6)];
    more.push({ kind: 'RequestRejected', timeS: 3900, request: 4, reason: 'too_many_riders' });
    more.push({ kind: 'RequestRejected', timeS: 3900, request: 5, reason: 'no_car_in_time' });
    more.push({ kind: 'RequestRejected', timeS: 3950, request: 6, reason: 'no_car_in_time' });
    const r = computeKpis([...more].sort((a, b) => a.timeS - b.timeS), { dispatcher: 'hand' });
    expect(r.rejected).toBe(4);
    expect(Object.entries(r.rejectedByReason)).toEqual([['no_car_in_time', 2], ['test', 1], ['too_many_riders', 1]]);
  });

  const k = computeKpis(log, { dispatcher: 'hand' });

  it('counts requests and outcomes', () => {
    expect([k.dispatcher, k.fleet, k.spanS]).toEqual(['hand', 2, 7200]);
    expect([k.requests, k.served, k.cancelled, k.rejected]).toEqual([4, 2, 1, 1]);
    expect(k.rejectedByReason).toEqual({ test: 1 });
    expect(k.servedPct).toBe(50);
    expect(k.within5MinPct).toBe(25); // only r0 (wait 100) of 4 requests
  });

  it('computes waits (nearest-rank percentiles) and ride times', () => {
    expect([k.waitMeanS, k.waitP50S, k.waitP95S]).toEqual([250, 100, 400]);
    expect(k.rideTimeMeanS).toBe(250);
  });

  it('computes distance, energy and time shares', () => {
    expect([k.vehicleKm, k.emptyKm, k.occupiedKm]).toEqual([8, 3, 5]);
    expect(k.emptyShare).toBeCloseTo(3 / 8, 12);
    expect(k.energyKwh).toBeCloseTo(1.2, 12);
    // Occupied 300 + 200 s of 2 vehicles × 7200 s; busy 430 + 630 s over the 2 h span.
    expect(k.utilization).toBeCloseTo(500 / 14_400, 12);
    expect(k.busyHoursPerVehicle).toBeCloseTo(1060 / 3600 / 2, 12);
    expect(k.tripsPerVehicle).toBe(1);
  });

  it('gives no per-day figure for a 2 h span unless asked, then scales it and says so', () => {
    expect(Number.isNaN(k.tripsPerVehiclePerDay) && Number.isNaN(k.busyHoursPerVehiclePerDay)).toBe(true);
    expect(k.perDayScaled).toBe(false);
    const scaled = scaleKpisToDay(k);
    expect(scaled.perDayScaled).toBe(true);
    expect(scaled.busyHoursPerVehiclePerDay).toBeCloseTo((1060 / 3600 / 2) * 12, 12);
    expect(scaled.tripsPerVehiclePerDay).toBeCloseTo(12, 12);
    expect(formatSpan(k.spanS)).toBe('2.0 h');
  });

  it('gives per-day figures as a mean when a day or more is simulated, with nothing scaled', () => {
    const twoDays = computeKpis(log, { dispatcher: 'hand', spanS: 2 * 86_400 });
    expect(twoDays.tripsPerVehiclePerDay).toBeCloseTo(0.5, 12);
    expect(twoDays.perDayScaled).toBe(false);
    expect(scaleKpisToDay(twoDays)).toBe(twoDays);
    expect(formatSpan(86_400)).toBe('1 day');
  });

  it('gives per-hour series by request hour (vehicle figures by event hour)', () => {
    expect(k.hourly.map((h) => [h.hour, h.requests, h.served, h.cancelled, h.servedPct])).toEqual([
      [0, 2, 2, 0, 100],
      [1, 2, 0, 1, 0],
    ]);
    expect(k.hourly[0].waitMeanS).toBe(250);
    expect(k.hourly[0].vehicleKm).toBe(8);
    expect(k.hourly[0].utilization).toBeCloseTo(500 / 7200, 12);
    expect(Number.isNaN(k.hourly[1].waitMeanS)).toBe(true);
  });

  it('nearest-rank percentile', () => {
    expect(percentileSorted([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentileSorted([1, 2, 3, 4], 0.95)).toBe(4);
    expect(Number.isNaN(percentileSorted([], 0.5))).toBe(true);
  });
});
