// The selected rider (a request): who asked when, how long they have waited, the car they are assigned to and when
// the dispatcher expected it, why that car (the PlanExplained about the request, decision 0022) and the request's
// history, all rebuilt from the events naming it (fetched from the server: once in a replay, again every few seconds
// on the live page) up to the page's current time.
import { riderHistoryAt, type RiderHistory, type RiderStep } from '../../src/core/replay/rider-history.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { reasonHtml } from './explain.js';
import { loadJson } from './fetch-json.js';
import { clockText, durationText, esc } from './format.js';

interface RequestEvents {
  request: number;
  events: SimEvent[];
}

export class RiderPanel {
  request: number | undefined;
  private data: RequestEvents | undefined;
  private loading = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly onClose: () => void,
    /** Fetches `{request, events}` for a request (the replay's `api/requests/N`, the live service's operator endpoint). */
    private readonly load: (request: number) => Promise<Response>,
  ) {}

  /** Selects a request (undefined: none) and fetches its events. */
  async select(request: number | undefined): Promise<void> {
    this.request = request;
    this.data = undefined;
    if (request === undefined) {
      this.host.hidden = true;
      this.host.innerHTML = '';
      return;
    }
    const ticket = ++this.loading;
    this.host.hidden = false;
    this.host.innerHTML = `<div class="head"><b>Request ${request}</b></div><div class="note">loading its events…</div>`;
    const got = await loadJson<RequestEvents>(() => this.load(request));
    if (ticket !== this.loading) return;
    if (!got.ok) {
      this.host.innerHTML = `<div class="head"><b>Request ${request}</b></div><div class="note">could not load its events (${esc(got.why)})</div>`;
      return;
    }
    this.data = got.data;
  }

  /** Fetches the selected request's events again, keeping the card as it is until they come (live: new events). */
  async reload(): Promise<void> {
    const request = this.request;
    if (request === undefined || !this.data) return;
    const ticket = ++this.loading;
    const got = await loadJson<RequestEvents>(() => this.load(request));
    if (ticket === this.loading && got.ok) this.data = got.data;
  }

  /** The request's pickup node (from its submission), once its events are in and hold it. */
  get pickupNode(): number | undefined {
    for (const ev of this.data?.events ?? []) if (ev.kind === 'RequestSubmitted') return ev.pickupNode;
    return undefined;
  }

  /** The rider's history at time t, once the events are in. */
  historyAt(t: number): RiderHistory | undefined {
    return this.data ? riderHistoryAt(this.data.request, this.data.events, t) : undefined;
  }

  render(t: number): void {
    const h = this.historyAt(t);
    if (!h || this.request === undefined) return;
    const name = h.id && h.id !== String(h.request) ? `Request ${h.request} <small>(${esc(h.id)})</small>` : `Request ${h.request}`;
    const status = statusText(h, t);
    const car =
      h.vehicle < 0
        ? '<div class="note" data-car>no car assigned</div>'
        : `<div data-car="${h.vehicle}">car ${h.vehicle}${h.assignedS >= 0 && h.status === 'assigned' ? ` since ${clockText(h.assignedS)}` : ''}${
            h.expectedPickupS !== undefined ? ` · pickup expected at ${clockText(h.expectedPickupS)}${h.expectedPickupS > t ? ` (in ${durationText(h.expectedPickupS - t)})` : ` (${durationText(t - h.expectedPickupS)} late)`}` : ''
          }</div>`;
    const why =
      h.vehicle < 0
        ? ''
        : reasonHtml(h.reason, h.reasonsLogged ? 'no reason logged for this car' : 'no reasons for this request in the log (record it with simulate --explain)').replace('Why this plan', 'Why this car');
    const steps = h.steps.map((s) => `<li><b>${clockText(s.timeS)}</b> ${esc(stepText(s))}</li>`);
    this.host.innerHTML =
      `<div class="head"><b data-request="${h.request}">${name}</b><button type="button" title="close" data-close>×</button></div>` +
      `<div data-status="${esc(h.status)}">${esc(status)}</div>` +
      (h.requestedS >= 0 ? `<div class="note">${h.riders} rider${h.riders === 1 ? '' : 's'} · requested at ${clockText(h.requestedS)}</div>` : '') +
      `<h2 style="margin-top:10px">Car</h2>` +
      car +
      why +
      `<h2 style="margin-top:10px">History</h2>` +
      (steps.length ? `<ul class="history">${steps.join('')}</ul>` : '<div class="note">nothing yet</div>');
    this.host.querySelector('[data-close]')?.addEventListener('click', () => this.onClose());
  }
}

function statusText(h: RiderHistory, t: number): string {
  switch (h.status) {
    case 'not requested yet':
      return 'not requested yet';
    case 'waiting':
      return `waiting for a car, ${durationText(h.waitS)} so far`;
    case 'assigned':
      return `waiting for car ${h.vehicle}, ${durationText(h.waitS)} so far`;
    case 'on board':
      return `on board car ${h.vehicle} (waited ${durationText(h.waitS)})`;
    case 'dropped off':
      return `dropped off by car ${h.vehicle} (waited ${durationText(h.waitS)})`;
    case 'cancelled':
      return `cancelled after ${durationText(h.waitS)}`;
    case 'rejected':
      return 'rejected by the dispatcher';
    case 'rescue needed':
      return `stranded in car ${h.vehicle}, waiting for a rescue since ${clockText(h.steps.at(-1)?.timeS ?? t)}`;
  }
}

function stepText(s: RiderStep): string {
  switch (s.what) {
    case 'requested':
      return `requested (${s.riders} rider${s.riders === 1 ? '' : 's'})`;
    case 'assigned':
      return `assigned to car ${s.vehicle}`;
    case 'reassigned':
      return `reassigned from car ${s.previousVehicle} to car ${s.vehicle}`;
    case 'unassigned':
      return `taken off car ${s.previousVehicle}'s plan`;
    case 'picked up':
      return `picked up by car ${s.vehicle} after ${durationText(s.waitS)}`;
    case 'dropped off':
      return `dropped off by car ${s.vehicle} after ${durationText(s.rideS)} on board`;
    case 'cancelled':
      return `cancelled (${s.reason === 'max_wait' ? 'waited too long' : s.reason === 'rider' ? 'by the rider' : s.reason})`;
    case 'rejected':
      return `rejected (${s.reason})`;
    case 'resumed on board':
      return `still on board car ${s.vehicle} after a restart`;
    case 'rescue needed':
      return `car ${s.vehicle} stopped with the rider on board: rescue needed`;
  }
}
