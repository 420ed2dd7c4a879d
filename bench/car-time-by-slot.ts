// Where a fleet's time goes, half hour by half hour: an online preset simulated at a fixed fleet beside the clairvoyant
// plan (two seats within pooled's ride limit, src/core/solve/clairvoyant-plan.ts) at its own fleet, on one SF day.
// Each slot shows cars' worth of time idle (or waiting at a pickup in the plan), driving empty to a stop, rebalancing,
// carrying riders (of which two parties aboard), dwelling, and the requests of the slot picked up in time, late,
// cancelled and rejected. Not a speed benchmark: it says which part of the car time the online preset loses.
//   CT_DATE=2008-05-21 CT_PRESET=pooled+anticipate CT_FLEET=167 CT_PLAN_FLEET=126 npx tsx bench/car-time-by-slot.ts
// CT_PLAN_FLEET=0 skips the plan (about 12 s on Wednesday); CT_FROM_H / CT_TO_H choose the hours printed (default 7–24).
import { clairvoyantPlan, plannedDriveS } from '../src/core/solve/clairvoyant-plan.js';
import type { DispatcherName } from '../src/io/dispatcher-names.js';
import { planTrips, scenarioPlanOptions } from '../src/io/fleet-size.js';
import { writeResult } from './machine.js';
import { openSfDay } from './sf-day.js';

const date = process.env.CT_DATE ?? '2008-05-21';
const preset = (process.env.CT_PRESET ?? 'pooled+anticipate') as DispatcherName;
const fleet = Number(process.env.CT_FLEET ?? 167);
const planFleet = Number(process.env.CT_PLAN_FLEET ?? 126);
const fromH = Number(process.env.CT_FROM_H ?? 7);
const toH = Number(process.env.CT_TO_H ?? 24);
const SLOT_S = 1800;
const SLOTS = 48;
const WITHIN_S = 300;

const KINDS = ['idle', 'emptyToStop', 'rebalance', 'loaded', 'twoAboard', 'dwell', 'onTime', 'late', 'cancelled', 'rejected'] as const;
type Slots = Record<(typeof KINDS)[number], Float64Array>;
const slots = (): Slots => Object.fromEntries(KINDS.map((k) => [k, new Float64Array(SLOTS)])) as Slots;
/** Adds the seconds of [a, b) to the slots they fall in. */
function spread(into: Float64Array, a: number, b: number): void {
  while (a < b) {
    const k = Math.floor(a / SLOT_S);
    if (k >= SLOTS) return;
    const end = Math.min(b, (k + 1) * SLOT_S);
    into[k] += end - a;
    a = end;
  }
}
const slotOf = (timeS: number): number => Math.min(SLOTS - 1, Math.floor(timeS / SLOT_S));

const runner = await openSfDay(date, process.env.CT_NETWORK);
const requests = runner.scenario.requests;

// Online: the preset's own build, as `simulate` and `fleet-size` run it.
const online = slots();
const idleSince = new Map<number, number>();
const leg = new Map<number, { fromS: number; rebalance: boolean; onboard: number }>();
const { result } = await runner.run(fleet, preset, {
  keepLog: false,
  eventSink: (ev) => {
    switch (ev.kind) {
      case 'VehicleIdle':
        idleSince.set(ev.vehicle, ev.timeS);
        break;
      case 'VehicleDeparted': {
        const since = idleSince.get(ev.vehicle);
        if (since !== undefined) spread(online.idle, since, ev.timeS);
        idleSince.delete(ev.vehicle);
        leg.set(ev.vehicle, { fromS: ev.timeS, rebalance: ev.purpose === 'rebalance', onboard: ev.onboard });
        break;
      }
      case 'VehicleArrived': {
        const l = leg.get(ev.vehicle);
        if (!l) break;
        leg.delete(ev.vehicle);
        spread(l.onboard > 0 ? online.loaded : l.rebalance ? online.rebalance : online.emptyToStop, l.fromS, ev.timeS);
        if (l.onboard > 1) spread(online.twoAboard, l.fromS, ev.timeS);
        break;
      }
      case 'PickedUp':
        online[ev.waitS <= WITHIN_S ? 'onTime' : 'late'][slotOf(ev.timeS - ev.waitS)]++;
        break;
      case 'RequestCancelled':
        online.cancelled[slotOf(requests[ev.request].requestS)]++;
        break;
      case 'RequestRejected':
        online.rejected[slotOf(requests[ev.request].requestS)]++;
        break;
    }
  },
});
for (const since of idleSince.values()) spread(online.idle, since, SLOTS * SLOT_S);
// Whatever is not idle, driving or carrying is stops (dwells) and the rest (charging, servicing: none on these runs).
for (let k = 0; k < SLOTS; k++) online.dwell[k] = fleet * SLOT_S - online.idle[k] - online.emptyToStop[k] - online.rebalance[k] - online.loaded[k];

// The plan: each car's stops replayed with the planner's own drive times.
let plan: Slots | undefined;
let planCounted = 0;
if (planFleet > 0) {
  const { graph, travelTimes, speedProfile } = runner.scenario.network;
  const trips = planTrips(travelTimes, requests);
  const o = scenarioPlanOptions(graph, travelTimes, speedProfile, { withinS: WITHIN_S, seats: 2, rideLimit: runner.settings.minDetourS === undefined ? undefined : { minDetourS: runner.settings.minDetourS, detourShare: runner.settings.detourShare! } });
  const p = clairvoyantPlan(trips, { ...o, fleet: planFleet });
  planCounted = p.counted;
  plan = slots();
  const planned = new Uint8Array(trips.length);
  for (const car of p.cars) {
    if (car.length === 0) {
      spread(plan.idle, 0, SLOTS * SLOT_S);
      continue;
    }
    spread(plan.idle, 0, car[0].atS);
    for (let i = 0; i < car.length; i++) {
      const st = car[i];
      spread(plan.dwell, st.atS, st.leaveS);
      if (st.pickup) {
        planned[st.request] = 1;
        plan.onTime[slotOf(trips[st.request].requestS)]++;
      }
      const next = car[i + 1];
      if (!next) {
        spread(plan.idle, st.leaveS, SLOTS * SLOT_S);
        continue;
      }
      const arriveS = Math.min(next.atS, st.leaveS + plannedDriveS(o.freeFlowS(st.node, next.node), st.leaveS, o.hourlyFactors));
      spread(st.aboard > 0 ? plan.loaded : plan.emptyToStop, st.leaveS, arriveS);
      if (st.parties > 1) spread(plan.twoAboard, st.leaveS, arriveS);
      // Arrived before the rider's request time: the car waits there.
      spread(plan.idle, arriveS, next.atS);
    }
  }
  for (let r = 0; r < trips.length; r++) if (!planned[r]) plan.rejected[slotOf(trips[r].requestS)]++;
}

const cars = (x: number): string => (x / SLOT_S).toFixed(1).padStart(6);
const count = (x: number): string => String(x).padStart(5);
const k = result.summary.kpis;
console.log(`${date} ${preset} at ${fleet} cars: ${k.within5MinPct.toFixed(2)} % within 5 min, ${k.servedPct.toFixed(2)} % served`);
if (plan) console.log(`clairvoyant plan at ${planFleet} cars: ${planCounted} of ${requests.length} picked up in time (${((100 * planCounted) / requests.length).toFixed(2)} %)`);
console.log('cars\' worth of time per half hour (idle | empty to a stop | rebalancing | carrying (two aboard) | dwell), requests of the slot (in time / late / cancelled / rejected or left out)');
console.log(`  slot | ${'online'.padEnd(62)} | plan`);
for (let s = fromH * 2; s < Math.min(SLOTS, toH * 2); s++) {
  const hh = `${String(Math.floor(s / 2)).padStart(2, '0')}:${s % 2 ? '30' : '00'}`;
  const row = (x: Slots) =>
    `${cars(x.idle[s])}${cars(x.emptyToStop[s])}${cars(x.rebalance[s])}${cars(x.loaded[s])} (${cars(x.twoAboard[s]).trim().padStart(5)})${cars(x.dwell[s])} ${count(x.onTime[s])}${count(x.late[s])}${count(x.cancelled[s])}${count(x.rejected[s])}`;
  console.log(`${hh} | ${row(online)}${plan ? ` | ${row(plan)}` : ''}`);
}
const asCars = (x: Slots) => Object.fromEntries(KINDS.map((kind) => [kind, Array.from(x[kind], (v) => (kind === 'onTime' || kind === 'late' || kind === 'cancelled' || kind === 'rejected' ? v : Math.round((10 * v) / SLOT_S) / 10))]));
const file = writeResult(`car-time-by-slot-${date}-${preset}-${fleet}`, {
  date,
  preset,
  fleet,
  slotS: SLOT_S,
  within5MinPct: k.within5MinPct,
  servedPct: k.servedPct,
  online: asCars(online),
  ...(plan ? { planFleet, planCounted, plan: asCars(plan) } : {}),
});
console.log(`wrote ${file}`);
