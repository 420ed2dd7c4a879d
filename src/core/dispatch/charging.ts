// The shared charging policy, composed around any strategy: when a car frees up it decides whether the car charges
// and where; cars low on energy take no new work; commands that break the energy invariant never reach the engine.
// Every dispatcher preset is wrapped in it (src/io/dispatchers.ts); without charging sites it passes straight through.
//
// Index conventions: vehicles, requests, nodes as in types.ts; sites index the run's ChargingSite list.
import type { TunableParameters } from './parameters.js';
import { expectedDemand, type DemandForecast } from './rebalance.js';
import {
  RequestStatus,
  VehicleStatus,
  type ChargeCommand,
  type Command,
  type Dispatcher,
  type FleetSnapshot,
  type Stop,
  type TimedNode,
} from './types.js';

export interface ChargingPolicyOptions {
  /** A car that frees up with less than this share of its battery goes to charge (default 0.3). */
  chargeBelowShare?: number;
  /** Cars charge up to this share of the battery (default 0.8: the end of full power on the charging curve). */
  chargeToShare?: number;
  /** In a demand trough, a car that frees up below this share charges too, if a plug is free for it (default 0.6). */
  troughBelowShare?: number;
  /** A trough: the forecast expects fewer requests over the next hour than this share of the day's mean hour (default 0.7). */
  troughDemandShare?: number;
  /** Demand forecast (the rebalancer's); without one there are no troughs and only low cars charge. */
  forecast?: DemandForecast;
}

export const DEFAULT_CHARGING_POLICY = { chargeBelowShare: 0.3, chargeToShare: 0.8, troughBelowShare: 0.6, troughDemandShare: 0.7 } as const;

/** Checks policy options; throws naming the bad one. */
function checkedOptions(o: ChargingPolicyOptions): { -readonly [K in keyof typeof DEFAULT_CHARGING_POLICY]: number } {
  const r = { ...DEFAULT_CHARGING_POLICY, ...definedOnly(o) };
  for (const [k, v] of Object.entries(r)) if (!(v >= 0 && v <= 1)) throw new Error(`charging policy: ${k} ${v} must be in 0..1`);
  if (!(r.chargeToShare > r.chargeBelowShare)) throw new Error(`charging policy: chargeToShare ${r.chargeToShare} must exceed chargeBelowShare ${r.chargeBelowShare}`);
  return r;
}

function definedOnly(o: ChargingPolicyOptions): Partial<typeof DEFAULT_CHARGING_POLICY> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * Wraps a strategy with the charging policy. Per decision, with charging sites:
 * 1. every car that freed up since the last decision with SoC below `chargeBelowShare` goes to the site with the least
 *    drive + expected wait for a plug (it must reach it; the nearest is always reachable, by the energy invariant);
 *    in a forecast demand trough, also one below `troughBelowShare`, to a site where a plug is expected free;
 * 2. the inner strategy decides on a view in which those cars, and every car below `chargeBelowShare`, show as
 *    `charging` (so a low car finishes what it has and takes nothing new), and in which requests whose assignment was
 *    dropped last time are announced as new again;
 * 3. its assign and rebalance commands that break the energy invariant (`snapshot.energyCheck`) are dropped: their
 *    requests stay open, and an idle car that could not take its work goes to charge instead.
 * Without charging sites (`snapshot.charging` undefined) the inner strategy's commands pass unchanged.
 *
 * NOTE: expected wait at a site = cars ahead (plugged, queued, driving there) beyond its plugs × this car's charging
 * time / plugs: a queue estimate, not a reservation; the engine's FIFO queue is the truth.
 *
 * @example withCharging(withRebalancing(pooled({ solver }), forecastRebalancer(forecast)), { forecast })
 */
export function withCharging(inner: Dispatcher, options: ChargingPolicyOptions = {}): Dispatcher {
  const o = checkedOptions(options);
  const trough = options.forecast ? troughTest(options.forecast, o.troughDemandShare) : () => false;
  const view = new PolicyView();
  /** Per vehicle in this decision: 0 seen as it is, LOW shown as charging, SENT sent to charge now. */
  let hidden = new Uint8Array(0);
  /** Open requests whose assignment was dropped, and idle cars that kept no work because of it: announced to the
   *  inner strategy again (as new, as freed) at the next decision. */
  let againRequests: number[] = [];
  let againVehicles: number[] = [];

  const d: Dispatcher = {
    name: inner.name,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      const c = s.charging;
      if (!c) return inner.decide(s, nowS);
      if (hidden.length < s.vehicleCount) hidden = new Uint8Array(s.vehicleCount);
      hidden.fill(0);
      const lowKwh = o.chargeBelowShare * c.batteryKwh;
      const toKwh = o.chargeToShare * c.batteryKwh;
      const out: Command[] = [];
      // 1. Cars that just freed up (or kept no work last time).
      const inTrough = trough(nowS);
      const freed: number[] = [];
      const candidates = againVehicles.length > 0 ? [...againVehicles, ...s.freedVehicles] : s.freedVehicles;
      againVehicles = [];
      for (const v of candidates) {
        if (s.vehicleStatus[v] !== VehicleStatus.idle || s.plan(v).length > 0 || hidden[v] === SENT) continue;
        const soc = s.vehicleSocKwh[v];
        const low = soc < lowKwh;
        if (low || (inTrough && soc < o.troughBelowShare * c.batteryKwh)) {
          const cmd = chargeCommand(s, v, toKwh, low);
          if (cmd) {
            out.push(cmd);
            hidden[v] = SENT;
            continue;
          }
        }
        if (!freed.includes(v)) freed.push(v);
      }
      // 2. The inner strategy, without low or charging cars.
      for (let v = 0; v < s.vehicleCount; v++) {
        if (hidden[v] === 0 && s.vehicleSocKwh[v] < lowKwh && s.vehicleStatus[v] !== VehicleStatus.charging) hidden[v] = LOW;
      }
      const again = againRequests.filter((r) => s.requestStatus[r] === RequestStatus.open);
      againRequests = [];
      // NOTE: always the view, even when it shows the snapshot unchanged: a strategy that sees two snapshot classes
      // in turn runs polymorphic and slow (pooled's prepare on SF took ~4× as long as with either class alone).
      const commands = inner.decide(view.update(s, hidden, freed, again), nowS);
      // 3. Keep the energy invariant.
      for (const cmd of commands) {
        if (cmd.kind === 'reject') {
          out.push(cmd);
          continue;
        }
        const v = cmd.vehicle;
        const why = hidden[v] === SENT ? 'sent to charge' : s.energyCheck(cmd);
        if (why === null) {
          out.push(cmd);
          continue;
        }
        if (cmd.kind === 'assign') {
          for (const st of cmd.stops) if (st.action === 'pickup' && s.requestStatus[st.request] === RequestStatus.open) againRequests.push(st.request);
        }
        if (hidden[v] !== SENT && s.vehicleStatus[v] === VehicleStatus.idle && s.plan(v).length === 0) {
          // It cannot do what it was given: charge it (to full if it holds the usual target already).
          const charge = chargeCommand(s, v, s.vehicleSocKwh[v] < toKwh ? toKwh : c.batteryKwh, true);
          if (charge) {
            out.push(charge);
            hidden[v] = SENT;
          } else {
            againVehicles.push(v);
          }
        }
      }
      return out;
    },
    // Offered on every preset; the engine leaves them out of a run without charging sites, where they do nothing.
    parameters: () => ({ ...inner.parameters?.(), chargeBelowShare: o.chargeBelowShare, chargeToShare: o.chargeToShare }),
    tune(change: TunableParameters): void {
      if (change.chargeBelowShare !== undefined) o.chargeBelowShare = change.chargeBelowShare;
      if (change.chargeToShare !== undefined) o.chargeToShare = change.chargeToShare;
      inner.tune?.(change);
    },
  };
  return { ...d, ...(inner.periodS !== undefined ? { periodS: inner.periodS } : {}), ...(inner.eventDriven !== undefined ? { eventDriven: inner.eventDriven } : {}) };
}

const LOW = 1;
const SENT = 2;

/**
 * The charge command for idle car v: to the site with the least drive + expected wait that it can reach (`urgent`),
 * or only to one where a plug is expected free on arrival (not urgent); null if none, or if it holds `targetKwh` already.
 */
function chargeCommand(s: FleetSnapshot, v: number, targetKwh: number, urgent: boolean): ChargeCommand | null {
  const c = s.charging!;
  const soc = s.vehicleSocKwh[v];
  if (soc >= targetKwh) return null;
  const node = s.vehicleNode[v];
  const n = c.sites.length;
  const siteNodes = c.sites.map((site) => site.node);
  const driveS = s.travelTimes.oneToMany(node, siteNodes, s.nowS);
  const order: { site: number; costS: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ahead = c.plugged[i] + c.queued[i] + c.heading[i];
    const plugs = c.sites[i].plugs;
    const waitS = ahead < plugs ? 0 : ((ahead - plugs + 1) * c.chargeDurationS(i, soc, targetKwh)) / plugs;
    if (!urgent && waitS > 0) continue;
    const toS = siteNodes[i] === node ? 0 : driveS[i];
    order.push({ site: i, costS: toS + waitS });
  }
  order.sort((a, b) => a.costS - b.costS || a.site - b.site);
  for (const { site } of order) {
    const cmd: ChargeCommand = { kind: 'charge', vehicle: v, site, targetSocKwh: targetKwh };
    if (s.energyCheck(cmd) === null) return cmd;
  }
  return null;
}

/** Whether `nowS` lies in a demand trough: the next hour's forecast below `share` × the forecast's mean hour. */
function troughTest(f: DemandForecast, share: number): (nowS: number) => boolean {
  let total = 0;
  for (let i = 0; i < f.expected.length; i++) total += f.expected[i];
  const dayH = (f.slotS * f.slotCount) / 3600;
  const meanHour = dayH > 0 ? total / dayH : 0;
  let cachedSlot = NaN;
  let cached = false;
  return (nowS) => {
    const slot = Math.floor(nowS / f.slotS);
    if (slot !== cachedSlot) {
      cachedSlot = slot;
      const next = expectedDemand(f, nowS, nowS + 3600);
      let sum = 0;
      for (let i = 0; i < next.length; i++) sum += next[i];
      cached = meanHour > 0 && sum < share * meanHour;
    }
    return cached;
  };
}

/**
 * The snapshot as the inner strategy sees it: the engine's, except that hidden cars show as `shownAs` (`charging` for
 * the charging policy, `servicing` for the servicing policy), freed cars exclude those sent away, and new requests
 * include the re-announced ones. One object per policy, refreshed per decision.
 */
export class PolicyView implements FleetSnapshot {
  private base!: FleetSnapshot;
  private status = new Uint8Array(0);
  nowS = 0;
  travelTimes!: FleetSnapshot['travelTimes'];
  graph: FleetSnapshot['graph'];
  maxWaitS = 0;
  pickupDwellS = 0;
  dropoffDwellS = 0;
  seats = 0;
  explain = false;
  vehicleCount = 0;
  vehicleStatus: ArrayLike<number> = this.status;
  vehicleNode!: ArrayLike<number>;
  vehicleLoad!: ArrayLike<number>;
  vehiclePlanVersion!: ArrayLike<number>;
  vehicleSocKwh!: ArrayLike<number>;
  charging: FleetSnapshot['charging'];
  servicing: FleetSnapshot['servicing'];
  requestCount = 0;
  requestS!: ArrayLike<number>;
  requestPickupNode!: ArrayLike<number>;
  requestDropoffNode!: ArrayLike<number>;
  requestRiders!: ArrayLike<number>;
  requestAcceptsSharing!: ArrayLike<number>;
  requestStatus!: ArrayLike<number>;
  requestVehicle!: ArrayLike<number>;
  newRequests: readonly number[] = [];
  freedVehicles: readonly number[] = [];
  cancelledRequests: readonly number[] = [];

  update(s: FleetSnapshot, hidden: Uint8Array, freed: readonly number[], again: readonly number[], shownAs: number = VehicleStatus.charging): this {
    this.base = s;
    if (this.status.length !== s.vehicleCount) this.status = new Uint8Array(s.vehicleCount);
    for (let v = 0; v < s.vehicleCount; v++) this.status[v] = hidden[v] ? shownAs : s.vehicleStatus[v];
    this.vehicleStatus = this.status;
    this.nowS = s.nowS;
    this.travelTimes = s.travelTimes;
    this.graph = s.graph;
    this.maxWaitS = s.maxWaitS;
    this.pickupDwellS = s.pickupDwellS;
    this.dropoffDwellS = s.dropoffDwellS;
    this.seats = s.seats;
    this.explain = s.explain === true;
    this.vehicleCount = s.vehicleCount;
    this.vehicleNode = s.vehicleNode;
    this.vehicleLoad = s.vehicleLoad;
    this.vehiclePlanVersion = s.vehiclePlanVersion;
    this.vehicleSocKwh = s.vehicleSocKwh;
    this.charging = s.charging;
    this.servicing = s.servicing;
    this.requestCount = s.requestCount;
    this.requestS = s.requestS;
    this.requestPickupNode = s.requestPickupNode;
    this.requestDropoffNode = s.requestDropoffNode;
    this.requestRiders = s.requestRiders;
    this.requestAcceptsSharing = s.requestAcceptsSharing;
    this.requestStatus = s.requestStatus;
    this.requestVehicle = s.requestVehicle;
    this.newRequests = again.length > 0 ? [...again, ...s.newRequests] : s.newRequests;
    this.freedVehicles = freed;
    this.cancelledRequests = s.cancelledRequests;
    return this;
  }

  plan(v: number): readonly Stop[] {
    return this.base.plan(v);
  }
  divertAt(v: number): TimedNode {
    return this.base.divertAt(v);
  }
  legEnd(v: number): TimedNode {
    return this.base.legEnd(v);
  }
  divertPoints(divertS: Float64Array, divertNode: Int32Array, endS: Float64Array, endNode: Int32Array): void {
    this.base.divertPoints(divertS, divertNode, endS, endNode);
  }
  freeAt(v: number): TimedNode {
    return this.base.freeAt(v);
  }
  openRequests(): readonly number[] {
    return this.base.openRequests();
  }
  energyCheck(command: Command): string | null {
    return this.base.energyCheck(command);
  }
}
