// Why a car got its plan (decision 0022), as the vehicle cards show it: the dispatcher's reason from a PlanExplained
// event — the pickup it predicted and the cars it beat — in replay (the car's own events) and live (the service's
// last reason for the car). Text only; the cards place it.
import type { PlanExplained, SimEvent } from '../../src/core/sim/events.js';
import { esc } from './format.js';

/** Minutes with one decimal: "3.2 min". */
const minutes = (s: number): string => `${(s / 60).toFixed(1)} min`;

const HOW: Record<PlanExplained['why'], string> = {
  nearest: 'the nearest idle car',
  queue: 'the first car to free up for the oldest waiting rider',
  batch: 'the batch assignment with the least total wait',
  pooled: 'the pooled trips with the least total wait and detour',
};

/**
 * One line: "car 12 chosen for request 4: pickup in 3.2 min; beat car 7 (4.1 min), car 30 (5.0 min)", with what the
 * batch and pooled figures add (the swap cost, the request a beaten car took instead, a shared ride).
 *
 * @example reasonText({ kind: 'PlanExplained', timeS: 0, vehicle: 12, request: 4, why: 'nearest', pickupEtaS: 192, alternatives: [{ vehicle: 7, pickupEtaS: 246 }] })
 */
export function reasonText(ev: PlanExplained, requestName: (r: number) => string = (r) => `request ${r}`): string {
  const beat = ev.alternatives.map((a) => {
    const extra: string[] = [];
    if (a.took !== undefined) extra.push(`took ${requestName(a.took)}`);
    if (a.costS !== undefined && ev.why === 'batch') extra.push(`swap +${Math.round(a.costS)} s total wait`);
    if (a.costS !== undefined && ev.why === 'pooled') extra.push(`trip cost ${Math.round(a.costS)} s`);
    return `car ${a.vehicle} (${minutes(a.pickupEtaS)}${extra.length ? `; ${extra.join(', ')}` : ''})`;
  });
  const shared = ev.sharedWith === undefined ? '' : `, shared with ${requestName(ev.sharedWith)}`;
  const head = `car ${ev.vehicle} chosen for ${requestName(ev.request)}: pickup in ${minutes(ev.pickupEtaS)}${shared}`;
  return beat.length ? `${head}; beat ${beat.join(', ')}` : `${head}; no other car was a candidate`;
}

/**
 * The reason as a card section (`[data-why]`): the line and how the dispatcher chose; `missing` says why there is
 * none (no reason in the log, or no plan); empty when both are undefined.
 */
export function reasonHtml(ev: PlanExplained | undefined, missing?: string, requestName?: (r: number) => string): string {
  if (!ev) return missing ? `<h2 style="margin-top:10px">Why this plan</h2><div class="note" data-why>${esc(missing)}</div>` : '';
  return (
    `<h2 style="margin-top:10px">Why this plan</h2>` +
    `<div data-why>${esc(reasonText(ev, requestName))}</div>` +
    `<div class="note">${esc(HOW[ev.why])}, at ${esc(clock(ev.timeS))}</div>`
  );
}

const clock = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

/**
 * The reason behind the plan a car holds at `nowS`, from its events: the latest PlanExplained up to then whose request
 * is still on the plan (`onPlan`), else the latest one at all if nothing on the plan has a reason.
 */
export function currentReason(events: readonly SimEvent[], nowS: number, onPlan: ReadonlySet<number>): PlanExplained | undefined {
  let latest: PlanExplained | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i];
    if (ev.timeS > nowS || ev.kind !== 'PlanExplained') continue;
    if (onPlan.has(ev.request)) return ev;
    latest ??= ev;
  }
  return onPlan.size === 0 ? undefined : latest;
}
