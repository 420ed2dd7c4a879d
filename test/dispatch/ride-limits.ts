// The pooled presets' promise to each rider, checked on an event log: the wait within the max wait, the ride within
// the ride limit (max(minDetourS, detourShare × direct) over the direct ride). Shared by the pooled and runner tests.
import { DEFAULT_RIDE_LIMITS, directRideS, maxDetourS, type RideLimits } from '../../src/core/dispatch/pooled.js';
import type { TravelTimes } from '../../src/core/network/travel-times.js';
import type { SimEvent } from '../../src/core/sim/events.js';

/** Every served rider's wait and in-vehicle time against the promised limits; returns violations. */
export function rideLimitViolations(events: readonly SimEvent[], tt: TravelTimes, maxWaitS: number, pickupDwellS: number, limits: RideLimits = DEFAULT_RIDE_LIMITS): string[] {
  const bad: string[] = [];
  const nodes = new Map<number, [number, number]>();
  const pickedAt = new Map<number, number>();
  for (const ev of events) {
    if (ev.kind === 'RequestSubmitted') nodes.set(ev.request, [ev.pickupNode, ev.dropoffNode]);
    else if (ev.kind === 'PickedUp') {
      pickedAt.set(ev.request, ev.timeS);
      if (ev.waitS > maxWaitS) bad.push(`request ${ev.request} waited ${ev.waitS} s`);
    } else if (ev.kind === 'DroppedOff') {
      const [p, d] = nodes.get(ev.request)!;
      const pickS = pickedAt.get(ev.request)!;
      const directS = directRideS(tt, p, d, pickS, pickupDwellS);
      const limitS = directS + maxDetourS(directS, limits);
      if (ev.timeS - pickS > limitS) bad.push(`request ${ev.request} rode ${ev.timeS - pickS} s > ${limitS} s`);
    }
  }
  return bad;
}
