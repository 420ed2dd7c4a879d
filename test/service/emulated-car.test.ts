// EmulatedCar on a toy world: nodes on a line 1 km apart, 100 s per km; it follows pushed plans and reports the stops
// it reaches, at the times the simulator's travel times and dwells give.
import { describe, expect, it } from 'vitest';
import { EmulatedCar, type CarWorld, type EmulatedStop } from '../../src/io/emulator/car.js';

const world: CarWorld = {
  nodeAt: (_lat, lon) => Math.round(lon * 100),
  lat: () => 0,
  lon: (n) => n / 100,
  timeS: (a, b) => Math.abs(a - b) * 100,
  pickupDwellS: 30,
  dropoffDwellS: 20,
};
const stop = (action: 'pickup' | 'dropoff', rideId: string, node: number): EmulatedStop => ({ action, rideId, lat: 0, lon: node / 100 });

describe('EmulatedCar', () => {
  it('drives to each stop in order, dwells, and reports each stop once when reached', () => {
    const car = new EmulatedCar('c', world, 0, 0);
    car.setPlan([stop('pickup', 'r1', 2), stop('dropoff', 'r1', 5)], 1000);
    car.advance(1199);
    expect(car.takeReached()).toEqual([]);
    expect(car.positionAt(1100)).toMatchObject({ lon: 0.01, activity: 'driving' });
    car.advance(1200);
    expect(car.takeReached()).toEqual([{ action: 'pickup', rideId: 'r1', atS: 1200 }]);
    expect(car.positionAt(1210).activity).toBe('dwelling');
    // Leaves at 1230 after the pickup dwell; 3 km later, 1530.
    car.advance(1529);
    expect(car.takeReached()).toEqual([]);
    car.advance(2000);
    expect(car.takeReached()).toEqual([{ action: 'dropoff', rideId: 'r1', atS: 1530 }]);
    expect(car.stopsLeft).toBe(0);
    expect(car.positionAt(2000)).toMatchObject({ lon: 0.05, activity: 'idle' });
  });

  it('keeps the leg under way when the new plan starts with the same stop, and turns from where it is otherwise', () => {
    const car = new EmulatedCar('c', world, 0, 0);
    car.setPlan([stop('pickup', 'r1', 4)], 0);
    car.setPlan([stop('pickup', 'r1', 4), stop('pickup', 'r2', 6)], 100);
    car.advance(400);
    expect(car.takeReached()).toEqual([{ action: 'pickup', rideId: 'r1', atS: 400 }]);
    // Leaves r1 at 430, r2 is 2 km on: 630.
    car.advance(630);
    expect(car.takeReached()).toEqual([{ action: 'pickup', rideId: 'r2', atS: 630 }]);

    const other = new EmulatedCar('d', world, 0, 0);
    other.setPlan([stop('pickup', 'a', 4)], 0);
    // At 200 it is 2 km out; sent back to node 1 instead: 1 km, 100 s.
    other.setPlan([stop('pickup', 'b', 1)], 200);
    other.advance(300);
    expect(other.takeReached()).toEqual([{ action: 'pickup', rideId: 'b', atS: 300 }]);
  });
});
