// The energy series fold on a hand-made log: SoC sampled at every mark on the line between the events that give it,
// plug and queue occupancy and the charging stop as cars out of service; nothing for a run without charging sites.
import { describe, expect, it } from 'vitest';
import { energySeries } from '../../src/core/metrics/energy-series.js';
import { reportSeries } from '../../src/core/metrics/report-series.js';
import type { SimEvent } from '../../src/core/sim/events.js';

/** Two cars, battery 10 kWh, one site with 2 plugs; car 0 drives, then charges; car 1 queues 150 s, then charges. */
const LOG: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 1, seats: 2 },
  { kind: 'ChargingSiteOpened', timeS: 0, site: 0, node: 5, plugs: 2, powerKw: 50 },
  { kind: 'VehicleDeparted', timeS: 0, vehicle: 0, fromNode: 0, toNode: 3, arriveS: 200, onboard: 0, purpose: 'stop' },
  { kind: 'VehicleArrived', timeS: 200, vehicle: 0, node: 3, distanceM: 10_000, energyKwh: 2, onboard: 0, diverted: false, socKwh: 8 },
  { kind: 'VehicleIdle', timeS: 200, vehicle: 0, node: 3 },
  { kind: 'VehicleSentToCharge', timeS: 300, vehicle: 0, site: 0, socKwh: 8, targetSocKwh: 9 },
  { kind: 'VehicleDeparted', timeS: 300, vehicle: 0, fromNode: 3, toNode: 5, arriveS: 400, onboard: 0, purpose: 'charge' },
  { kind: 'VehicleSentToCharge', timeS: 300, vehicle: 1, site: 0, socKwh: 10, targetSocKwh: 10 },
  { kind: 'VehicleArrived', timeS: 400, vehicle: 0, node: 5, distanceM: 5000, energyKwh: 1, onboard: 0, diverted: false, socKwh: 7 },
  { kind: 'ChargingStarted', timeS: 400, vehicle: 0, site: 0, socKwh: 7, waitedS: 0 },
  { kind: 'ChargingStarted', timeS: 450, vehicle: 1, site: 0, socKwh: 10, waitedS: 150 },
  { kind: 'ChargingEnded', timeS: 600, vehicle: 0, site: 0, socKwh: 9, energyKwh: 2, chargedS: 200, waitedS: 0 },
  { kind: 'VehicleIdle', timeS: 600, vehicle: 0, node: 5 },
  { kind: 'ChargingEnded', timeS: 600, vehicle: 1, site: 0, socKwh: 10, energyKwh: 0, chargedS: 150, waitedS: 150 },
  { kind: 'VehicleIdle', timeS: 600, vehicle: 1, node: 5 },
];

describe('energySeries', () => {
  const s = energySeries(LOG, { batteryKwh: 10, binS: 100 })!;

  it('samples every car at every mark, interpolating along drives and charges', () => {
    expect(s.soc.atS).toEqual([0, 100, 200, 300, 400, 500, 600]);
    // Car 0: 10 → 8 over the drive (9 half-way), 8 while idle, 7 on arrival, 7 → 9 over the charge. Car 1 stays at 10.
    expect(s.soc.min).toEqual([10, 9, 8, 8, 7, 8, 9]);
    expect(s.soc.p50).toEqual([10, 9, 8, 8, 7, 8, 9]); // nearest rank of two cars: the lower
    expect(s.soc.p90).toEqual([10, 10, 10, 10, 10, 10, 10]);
    expect(s.soc.batteryKwh).toBe(10);
  });

  it('plug occupancy and the queue are bin means of the plugged-in and waiting intervals', () => {
    expect(s.plugs.plugs).toBe(2);
    expect(s.plugs.startS).toEqual([0, 100, 200, 300, 400, 500, 600]);
    // Car 0 plugged 400–600, car 1 450–600; car 1 queued 300–450.
    expect(s.plugs.plugged).toEqual([0, 0, 0, 0, 1.5, 2, 0]);
    expect(s.plugs.queued).toEqual([0, 0, 0, 1, 0.5, 0, 0]);
  });

  it('a charging stop keeps a car out of service from being sent until it frees up', () => {
    expect(s.outOfService.byReason.charging).toEqual([0, 0, 0, 2, 2, 2, 0]);
    expect(Object.keys(s.outOfService.byReason)).toEqual(['charging']);
  });

  it('closes what is still open at the last event, and ignores events it does not read', () => {
    const open = energySeries(LOG.slice(0, 12), { batteryKwh: 10, binS: 100 })!; // ends at 450, both still charging
    expect(open.plugs.plugged).toEqual([0, 0, 0, 0, 0.5]);
    expect(open.outOfService.byReason.charging).toEqual([0, 0, 0, 2, 1]);
    const withUnknown = [...LOG.slice(0, 6), { kind: 'SomethingNew', timeS: 250, vehicle: 0 } as unknown as SimEvent, ...LOG.slice(6)];
    expect(energySeries(withUnknown, { batteryKwh: 10, binS: 100 })).toEqual(s);
  });

  it('gives nothing for a run without charging sites', () => {
    expect(energySeries(LOG.filter((e) => e.kind !== 'ChargingSiteOpened'), { batteryKwh: 10 })).toBeUndefined();
    expect(() => energySeries(LOG, { batteryKwh: 10, binS: 0 })).toThrow(/positive/);
  });
});

/** Two cars, one service centre with one bay, remote assistance, no charging sites. */
const OPS_LOG: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 5, seats: 2 },
  { kind: 'ServiceCentreOpened', timeS: 0, centre: 0, node: 5, bays: 1 },
  { kind: 'AssistanceOpened', timeS: 0, operators: 1 },
  { kind: 'VehicleSentToService', timeS: 100, vehicle: 0, centre: 0, task: 'cleaning' },
  { kind: 'VehicleDeparted', timeS: 100, vehicle: 0, fromNode: 0, toNode: 5, arriveS: 200, onboard: 0, purpose: 'service' },
  { kind: 'VehicleArrived', timeS: 200, vehicle: 0, node: 5, distanceM: 1000, energyKwh: 0.15, onboard: 0, diverted: false },
  { kind: 'ServiceStarted', timeS: 200, vehicle: 0, centre: 0, task: 'cleaning', waitedS: 0 },
  { kind: 'VehicleSentToService', timeS: 300, vehicle: 1, centre: 0, task: 'maintenance' }, // already there: queues
  { kind: 'ServiceEnded', timeS: 800, vehicle: 0, centre: 0, task: 'cleaning', servicedS: 600, waitedS: 0 },
  { kind: 'VehicleIdle', timeS: 800, vehicle: 0, node: 5 },
  { kind: 'ServiceStarted', timeS: 800, vehicle: 1, centre: 0, task: 'maintenance', waitedS: 500 },
  { kind: 'VehicleDeparted', timeS: 850, vehicle: 0, fromNode: 5, toNode: 2, arriveS: 950, onboard: 0, purpose: 'stop' },
  { kind: 'VehicleArrived', timeS: 900, vehicle: 0, node: 3, distanceM: 500, energyKwh: 0.075, onboard: 0, diverted: false },
  { kind: 'AssistRequested', timeS: 900, vehicle: 0, node: 3, onboard: 0 },
  { kind: 'AssistStarted', timeS: 950, vehicle: 0, waitedS: 50 },
  { kind: 'ServiceEnded', timeS: 1000, vehicle: 1, centre: 0, task: 'maintenance', servicedS: 200, waitedS: 500 },
  { kind: 'VehicleIdle', timeS: 1000, vehicle: 1, node: 5 },
  { kind: 'VehicleOutOfService', timeS: 1020, vehicle: 1, reason: 'operator', fault: false, abandoned: 'none' },
  { kind: 'VehicleStopped', timeS: 1020, vehicle: 1, node: 5 },
  { kind: 'VehicleIdle', timeS: 1030, vehicle: 1, node: 5 }, // ignored: the car stays out of service
  { kind: 'AssistEnded', timeS: 1050, vehicle: 0, waitedS: 50, heldS: 100, onboard: 0 },
];

describe('energySeries and the fleet status with servicing and remote assistance', () => {
  const s = energySeries(OPS_LOG, { batteryKwh: 10, binS: 100 })!;

  it('plots bays in use and the queue for them, and servicing and assists as reasons for cars out of service', () => {
    expect(s.plugs.plugs).toBe(0);
    expect(s.soc.atS).toEqual([]);
    expect(s.bays!.bays).toBe(1);
    expect(s.bays!.startS).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // Car 0 in the bay 200–800, car 1 800–1000; car 1 queued 300–800.
    expect(s.bays!.inBay).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(s.bays!.queued).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(Object.keys(s.outOfService.byReason)).toEqual(['charging', 'servicing', 'assist']);
    // Car 0 from being sent (100) to leaving its bay (800), car 1 from 300 to 1000.
    expect(s.outOfService.byReason.servicing).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 0]);
    // Car 0 asks for help at 900 and is let go at 1050.
    expect(s.outOfService.byReason.assist).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0.5]);
    expect(s.outOfService.byReason.charging.every((x) => x === 0)).toBe(true);
  });

  it('the fleet status has servicing, assisted and out-of-service states that add up to the fleet with the others', () => {
    const fs = reportSeries(OPS_LOG, { fleetBinS: 100 }).fleetStatus;
    expect(fs.servicing).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 0]);
    expect(fs.assisted).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0.5]);
    expect(fs.outOfService).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.8]); // car 1 from 1020, its idle at 1030 ignored
    // The service drive is servicing, not a drive to a pickup; car 0 drives to a pickup 850–900 and after its assist.
    expect(fs.toPickup).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0.5]);
    for (let i = 0; i < fs.startS.length; i++) {
      const all = fs.idle[i] + fs.toPickup[i] + fs.occupied[i] + fs.rebalancing[i] + fs.charging[i] + fs.servicing[i] + fs.assisted[i] + fs.outOfService[i];
      expect(all).toBeCloseTo(2, 12);
    }
  });

  it('a run with charging sites only has no bay series and no other reasons', () => {
    expect(energySeries(LOG, { batteryKwh: 10 })!.bays).toBeUndefined();
    expect(energySeries(OPS_LOG.filter((e) => e.kind !== 'ServiceCentreOpened' && e.kind !== 'AssistanceOpened'), { batteryKwh: 10 })).toBeUndefined();
  });
});
