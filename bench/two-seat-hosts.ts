// Why pairwise sharing credits vanish on SF (docs/fleet-bound.md, "Sharing-aware two seats"): for a sample of the
// requests of Wednesday 18–22 h (the window that decides the 95 % bound), the least detour a sharing-aware bound could
// charge each of them as a guest — riding inside the trip of an earlier request h that could be aboard when it boards
// (e(g, h) = τ(p_g, d_g) + τ(d_g, d_h) − τ(p_g, d_h)), or boarding while c is aboard and c leaving first
// (τ(p_g, d_c) + τ(d_c, d_g) − τ(p_g, d_g)) — against its own ride. Free-flow seconds.
// BOUND_HOST_WINDOW_S limits hosts to requests this long before the guest (default 1,200 s; E1–E5 set no limit).
// It also counts, for the "E6" idea of that section, the requests that could share at all if every shared ride kept
// pooled's limit (extra in-car time ≤ max(180 s, 0.5 × direct)), taking every time at the window's least factor:
// an estimate of how rare shareable pairs become, not a proof.
import { resolve } from 'node:path';
import { loadScenario } from '../src/io/scenario.js';
import { parseSimSettings } from '../src/io/settings.js';
import { peakRssMb, writeResult } from './machine.js';

const SHARED = resolve(import.meta.dirname, '../../shared/data');
const DAY = '2008-05-21';
const FROM_S = 18 * 3600;
const TO_S = 22 * 3600;
const WITHIN_S = 300;
const PICKUP_DWELL_S = 30;
const GUESTS = 400;
const HOST_WINDOW_S = Number(process.env.BOUND_HOST_WINDOW_S ?? 1200);

const factors = resolve(import.meta.dirname, `results/acceptance-calibration-${DAY}.json`);
const sc = await loadScenario(
  parseSimSettings({ network: [resolve(SHARED, 'san-francisco')], trips: resolve(SHARED, 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz'), format: 'sf-cabspotting', date: DAY, seed: 1, speedFactors: factors }),
);
const t0 = performance.now();
const { travelTimes, speedProfile } = sc.network;
const factor = travelTimes.speedFactor(0);
const ff = (s: ArrayLike<number>, t: ArrayLike<number>): Float64Array => travelTimes.manyToMany(s, t, 0).map((x) => x / factor);
const minFactor = Math.min(...speedProfile.hourlyFactors);

const window = sc.requests.filter((r) => r.requestS >= FROM_S && r.requestS < TO_S).sort((a, b) => a.requestS - b.requestS);
const stride = Math.max(1, Math.floor(window.length / GUESTS));
const guests = window.filter((_, k) => k % stride === 0).slice(0, GUESTS);
const hostDrop = window.map((r) => r.dropoffNode);
const hostPick = window.map((r) => r.pickupNode);
// Guests' pickups and drop-offs to every host's drop-off; every host's pickup to the guests' pickups.
const fromGuest = ff([...guests.map((g) => g.pickupNode), ...guests.map((g) => g.dropoffNode)], hostDrop);
const toGuest = ff(hostPick, guests.map((g) => g.pickupNode));
const ride = ff(guests.map((g) => g.pickupNode), guests.map((g) => g.dropoffNode));
const hostRide = window.map((r) => travelTimes.timeS(r.pickupNode, r.dropoffNode, 0) / factor);
const windowFactor = Math.min(...speedProfile.hourlyFactors.slice(FROM_S / 3600, TO_S / 3600));
/** Extra in-car time pooled allows a rider with this free-flow ride, in free-flow seconds at the window's factor. */
const allowS = (rideFfS: number): number => Math.max(180, 0.5 * rideFfS * windowFactor) / windowFactor;
const dwellFfS = (2 * PICKUP_DWELL_S) / windowFactor;

const rows = guests.map((g, k) => {
  const rideS = ride[k * guests.length + k];
  let nested = Infinity;
  let crossing = Infinity;
  let hosts = 0;
  let limited = Infinity;
  for (let h = 0; h < window.length; h++) {
    const host = window[h];
    if (host === g || host.requestS < g.requestS - HOST_WINDOW_S || host.requestS > g.requestS + WITHIN_S) continue;
    // h could be aboard when g boards: picked up no earlier than its request, then at g's pickup by g's deadline.
    if (host.requestS + PICKUP_DWELL_S + toGuest[h * guests.length + k] * minFactor > g.requestS + WITHIN_S) continue;
    hosts++;
    const pgToDh = fromGuest[k * window.length + h];
    const dgToDh = fromGuest[(guests.length + k) * window.length + h];
    nested = Math.min(nested, rideS + dgToDh - pgToDh);
    crossing = Math.min(crossing, pgToDh + dgToDh - rideS);
    // Within pooled's limits: the host's extra (reaching g's pickup, waiting for its request, the detour) and, when g
    // boards while h is aboard and h leaves first, g's own extra.
    const phToPg = toGuest[h * guests.length + k];
    const waitS = Math.max(0, (g.requestS - (host.requestS + WITHIN_S + PICKUP_DWELL_S)) / windowFactor - phToPg);
    const hostNestedExtra = phToPg + waitS + rideS + dgToDh - hostRide[h] + dwellFfS;
    const hostCrossExtra = phToPg + waitS + pgToDh - hostRide[h] + dwellFfS / 2;
    const guestCrossExtra = pgToDh + dgToDh - rideS + dwellFfS / 2;
    if (hostNestedExtra <= allowS(hostRide[h])) limited = Math.min(limited, rideS + dgToDh - pgToDh);
    if (hostCrossExtra <= allowS(hostRide[h]) && guestCrossExtra <= allowS(rideS)) limited = Math.min(limited, guestCrossExtra);
  }
  return { rideS, hosts, nestedS: nested, crossingS: crossing, leastS: Math.min(nested, crossing), limitedS: limited };
});

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const finite = rows.filter((r) => Number.isFinite(r.leastS));
const summary = {
  day: DAY,
  fromS: FROM_S,
  toS: TO_S,
  hostWindowS: HOST_WINDOW_S,
  requestsInWindow: window.length,
  guests: rows.length,
  guestsWithAHost: finite.length,
  medianHosts: quantile(rows.map((r) => r.hosts), 0.5),
  medianRideS: Math.round(quantile(rows.map((r) => r.rideS), 0.5)),
  leastDetourS: { p25: Math.round(quantile(finite.map((r) => r.leastS), 0.25)), median: Math.round(quantile(finite.map((r) => r.leastS), 0.5)), p75: Math.round(quantile(finite.map((r) => r.leastS), 0.75)) },
  shareUnder60S: finite.filter((r) => r.leastS < 60).length / rows.length,
  shareUnderTenthOfRide: finite.filter((r) => r.leastS < 0.1 * r.rideS).length / rows.length,
  meanLeastDetourOverRide: finite.reduce((a, r) => a + r.leastS, 0) / finite.reduce((a, r) => a + r.rideS, 0),
  withinPooledLimits: {
    shareWithAPartner: rows.filter((r) => Number.isFinite(r.limitedS)).length / rows.length,
    shareUnder60S: rows.filter((r) => r.limitedS < 60).length / rows.length,
  },
  wallS: (performance.now() - t0) / 1000,
};
console.log(summary);
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('two-seat-hosts', { ...summary, peakRssMb: peakRssMb() })}`);
