// A small simulated day on the built-in synthetic city (the network `baton replay` uses by default), for replay tests.
import { generateSyntheticDemand } from '../../src/core/demand/synthetic-demand.js';
import { withCharging } from '../../src/core/dispatch/charging.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { buildContractionHierarchy, ChTravelTimes } from '../../src/core/network/ch.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { FREE_FLOW } from '../../src/core/network/travel-times.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { openEventLog } from '../../src/io/event-log-file.js';
import type { DispatcherName } from '../../src/io/dispatcher-names.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';

/** The event log of a greedy day: `fleet` cars, `requests` synthetic requests (seed 1), optionally charging sites. */
export function syntheticDayLog(o: { fleet: number; requests: number; chargingSites?: { node: number; plugs: number; powerKw: number }[] }): SimEvent[] {
  const { graph } = buildSyntheticCity();
  const travelTimes = new ChTravelTimes(graph, buildContractionHierarchy(graph), FREE_FLOW);
  const requests = generateSyntheticDemand(graph, { seed: 1, trips: o.requests, ridersShares: [0.85, 0.15, 0, 0] });
  return simulate({ graph, travelTimes, requests, fleetSize: o.fleet, dispatcher: o.chargingSites ? withCharging(greedy()) : greedy(), seed: 1, maxWaitS: 600, chargingSites: o.chargingSites }).events;
}

/**
 * Records to `file` (NDJSON, as `simulate --events --explain` writes it) a synthetic day run by a preset with
 * explaining on: `requests` synthetic requests, `fleet` cars, so the log has PlanExplained events to show.
 */
export async function recordExplainedDay(file: string, o: { dispatcher: DispatcherName; fleet: number; requests: number }): Promise<void> {
  const log = openEventLog(file);
  try {
    const runner = await openScenarioRunner(parseSimSettings({ requests: o.requests, fleet: o.fleet, dispatcher: o.dispatcher }));
    await runner.run(o.fleet, o.dispatcher, { keepLog: false, explain: true, eventSink: (ev) => log.write(ev) });
  } finally {
    log.close();
  }
}
