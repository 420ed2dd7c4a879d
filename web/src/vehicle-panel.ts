// The selected vehicle: what it does now, its plan (requests assigned and not yet dropped off) and its history, all
// rebuilt from its own events (fetched once from the server) up to the replay's current time.
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import { vehiclePlanAt, type VehiclePlan } from '../../src/core/replay/vehicle-plan.js';
import type { RequestSubmitted, SimEvent } from '../../src/core/sim/events.js';
import { currentReason, reasonHtml, reasonText } from './explain.js';
import { loadJson } from './fetch-json.js';
import { clockText, durationText, esc } from './format.js';
import { ACTIVITY_STYLE } from './palette.js';
import { Activity } from '../../src/core/replay/timeline.js';

interface VehicleEvents {
  vehicle: number;
  events: SimEvent[];
  requests: Record<string, RequestSubmitted>;
}

/** Most history lines shown (latest first). */
const HISTORY_LINES = 60;

export class VehiclePanel {
  vehicle: number | undefined;
  private data: VehicleEvents | undefined;
  private loading = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly scene: ReplayScene,
    private readonly onClose: () => void,
    /** Where this run's API lives ('api/' for run 0, 'api/runs/I/' for run I of a comparison). */
    private readonly apiBase = 'api/',
  ) {}

  /** Selects a vehicle (undefined: none) and fetches its events. */
  async select(vehicle: number | undefined): Promise<void> {
    this.vehicle = vehicle;
    this.data = undefined;
    if (vehicle === undefined) {
      this.host.hidden = true;
      this.host.innerHTML = '';
      return;
    }
    const ticket = ++this.loading;
    this.host.hidden = false;
    this.host.innerHTML = `<div class="head"><b>Vehicle ${vehicle}</b></div><div class="note">loading its events…</div>`;
    const got = await loadJson<VehicleEvents>(() => fetch(`${this.apiBase}vehicles/${vehicle}`));
    if (ticket !== this.loading) return;
    if (!got.ok) {
      this.host.innerHTML = `<div class="head"><b>Vehicle ${vehicle}</b></div><div class="note">could not load its events (${esc(got.why)})</div>`;
      return;
    }
    this.data = got.data;
  }

  /** The plan at time t, once the events are in. */
  planAt(t: number): VehiclePlan | undefined {
    if (!this.data) return undefined;
    const tl = this.scene.timeline;
    return vehiclePlanAt(this.data.vehicle, this.data.events, { pickupNode: (r) => tl.requestPickupNode[r], dropoffNode: (r) => tl.requestDropoffNode[r] }, t);
  }

  render(t: number, activity: Activity | undefined): void {
    const d = this.data;
    if (!d || this.vehicle === undefined) return;
    const plan = this.planAt(t)!;
    const tl = this.scene.timeline;
    const requestName = (r: number): string => {
      const id = d.requests[r]?.id;
      return id && id !== String(r) ? `request ${r} (${esc(id)})` : `request ${r}`;
    };
    // The drop-off dwell shows as occupied on the map (as in the report), but nobody is on board any more.
    const droppingOff = (activity === Activity.occupied1 || activity === Activity.occupied2) && plan.onboard === 0;
    const state = activity === undefined ? 'not placed yet' : droppingOff ? 'dropping off' : ACTIVITY_STYLE[activity].label;
    const leg = plan.leg
      ? `driving to node ${plan.leg.toNode} (${plan.leg.purpose === 'rebalance' ? 'rebalancing' : plan.leg.purpose === 'charge' ? 'to a charger' : 'next stop'}), arriving ${clockText(plan.leg.arriveS)}`
      : activity === undefined
        ? ''
        : 'standing';
    const stops = plan.stops.map((s) => {
      const r = s.request;
      const what =
        s.kind === 'pickup'
          ? `pick up ${requestName(r)} at node ${s.node}, waiting ${durationText(t - tl.requestSubmitS[r])}`
          : `drop off ${requestName(r)} at node ${s.node}${tl.requestPickupS[r] >= 0 && tl.requestPickupS[r] <= t ? `, on board since ${clockText(tl.requestPickupS[r])}` : ''}`;
      return `<li class="${s.next ? 'next' : ''}">${what}${s.next ? ' ← next' : ''}</li>`;
    });
    const history: string[] = [];
    for (let i = d.events.length - 1; i >= 0 && history.length < HISTORY_LINES; i--) {
      const ev = d.events[i];
      if (ev.timeS > t) continue;
      const line = historyLine(ev, d.vehicle, requestName);
      if (line) history.push(`<li><b>${clockText(ev.timeS)}</b> ${line}</li>`);
    }
    this.host.innerHTML =
      `<div class="head"><b>Vehicle ${d.vehicle}</b><button type="button" title="close" data-close>×</button></div>` +
      `<div>${esc(state)}${leg ? ` · ${leg}` : ''}</div>` +
      `<h2 style="margin-top:10px">Plan</h2>` +
      (stops.length ? `<ol class="plan">${stops.join('')}</ol><div class="note">The log records assignments, not the stop order the dispatcher chose: pickups are listed first.</div>` : '<div class="note plan-empty">no requests assigned</div>') +
      this.whyHtml(plan, t) +
      `<h2 style="margin-top:10px">History</h2>` +
      (history.length ? `<ul class="history">${history.join('')}</ul>` : '<div class="note">nothing yet</div>');
    this.host.querySelector('[data-close]')?.addEventListener('click', () => this.onClose());
  }

  /** Why the car holds this plan (the dispatcher's reason, decision 0022), when the log has reasons. */
  private whyHtml(plan: VehiclePlan, t: number): string {
    if (plan.stops.length === 0) return '';
    const onPlan = new Set(plan.stops.map((s) => s.request));
    const reason = currentReason(this.data!.events, t, onPlan);
    return reasonHtml(reason, this.data!.events.some((e) => e.kind === 'PlanExplained') ? 'no reason logged for this plan' : 'no reasons in this log (record it with simulate --explain)');
  }
}

function historyLine(ev: SimEvent, vehicle: number, requestName: (r: number) => string): string | undefined {
  switch (ev.kind) {
    case 'VehiclePlaced':
      return `placed at node ${ev.node} (${ev.seats} seats)`;
    case 'RequestAssigned':
      return ev.vehicle === vehicle
        ? `assigned ${requestName(ev.request)}${ev.previousVehicle >= 0 ? ` (taken from vehicle ${ev.previousVehicle})` : ''}`
        : `${requestName(ev.request)} reassigned to vehicle ${ev.vehicle}`;
    case 'RequestUnassigned':
      return `${requestName(ev.request)} taken off the plan`;
    case 'VehicleDeparted':
      return `departs node ${ev.fromNode} → ${ev.toNode}${ev.purpose === 'rebalance' ? ' (rebalancing)' : ev.purpose === 'charge' ? ' (to a charger)' : ev.purpose === 'service' ? ' (to a service centre)' : ''}, ${ev.onboard} on board, arrives ${clockText(ev.arriveS)}`;
    case 'VehicleArrived':
      return `${ev.diverted ? 'diverted at' : 'arrives at'} node ${ev.node} after ${(ev.distanceM / 1000).toFixed(2)} km`;
    case 'PickedUp':
      return `picks up ${requestName(ev.request)} (${ev.riders} rider${ev.riders > 1 ? 's' : ''}, waited ${durationText(ev.waitS)})`;
    case 'DroppedOff':
      return `drops off ${requestName(ev.request)} after ${durationText(ev.rideS)} on board`;
    case 'RequestCancelled':
      return `${requestName(ev.request)} cancelled (${ev.reason === 'max_wait' ? 'waited too long' : 'by the rider'})`;
    case 'VehicleRebalanced':
      return `sent to node ${ev.toNode} to wait for demand`;
    case 'VehicleIdle':
      return `idle at node ${ev.node}`;
    case 'VehicleSentToCharge':
      return `sent to charge at site ${ev.site}: ${ev.socKwh.toFixed(1)} → ${ev.targetSocKwh.toFixed(1)} kWh`;
    case 'ChargingStarted':
      return `plugs in at site ${ev.site} with ${ev.socKwh.toFixed(1)} kWh${ev.waitedS > 0 ? ` after ${durationText(ev.waitedS)} queued` : ''}`;
    case 'ChargingEnded':
      return `unplugs at site ${ev.site}: +${ev.energyKwh.toFixed(1)} kWh in ${durationText(ev.chargedS)}, ${ev.socKwh.toFixed(1)} kWh`;
    case 'MessReported':
      return `${requestName(ev.request)} reported a mess: due for cleaning`;
    case 'VehicleSentToService':
      return `sent for ${ev.task} to service centre ${ev.centre}`;
    case 'ServiceStarted':
      return `${ev.task} starts at centre ${ev.centre}${ev.waitedS > 0 ? ` after ${durationText(ev.waitedS)} queued` : ''}`;
    case 'ServiceEnded':
      return `${ev.task} done at centre ${ev.centre} after ${durationText(ev.servicedS)}`;
    case 'AssistRequested':
      return `asks for remote assistance at node ${ev.node}, ${ev.onboard} on board`;
    case 'AssistStarted':
      return `a remote operator takes over${ev.waitedS > 0 ? ` after ${durationText(ev.waitedS)} queued` : ''}`;
    case 'AssistEnded':
      return `remote assistance done after ${durationText(ev.heldS)}`;
    case 'VehicleOutOfService':
      return `${ev.fault ? 'faulted' : 'taken out of service'}: ${ev.reason}`;
    case 'VehicleStopped':
      return `stopped out of service at node ${ev.node}`;
    case 'VehicleInService':
      return `back in service at node ${ev.node}`;
    case 'RescueNeeded':
      return `${requestName(ev.request)} needs a rescue at node ${ev.node}`;
    case 'VehicleSentByOperator':
      return `sent by ${ev.by} to ${ev.site >= 0 ? `charging site ${ev.site}` : `node ${ev.node}`} (${ev.reason})`;
    case 'RequestsPaused':
    case 'RequestsResumed':
    case 'ServiceAreaChanged':
    case 'DispatcherParametersChanged':
      return undefined;
    case 'RequestResumed':
      return `${requestName(ev.request)} still on board after a restart (picked up ${clockText(ev.pickedUpS)})`;
    case 'ServiceCentreOpened':
    case 'AssistanceOpened':
    case 'ChargingSiteOpened':
    case 'RequestSubmitted':
    case 'RequestRejected':
    case 'CommandInvalid':
      return undefined;
    case 'PlanExplained':
      return esc(reasonText(ev, (r) => `request ${r}`));
    default: {
      const never: never = ev;
      return String(never);
    }
  }
}
