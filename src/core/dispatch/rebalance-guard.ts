// Keeps a strategy's rebalancing inside an area that can change during a live run (the operator's service area,
// decision 0021): rebalance commands to nodes the predicate refuses are dropped, everything else passes unchanged.
import type { TunableParameters } from './parameters.js';
import type { Command, Dispatcher, FleetSnapshot } from './types.js';

/**
 * Wraps `inner` so that it never sends a car to rebalance at a node `allow` refuses. `allow` is read at every decision,
 * so it may follow a live setting. A dropped command leaves the car where it is (idle), as if the strategy had not
 * moved it.
 *
 * @example keepRebalancingWhere(preset, (node) => areaNodes[node] === 1)
 */
export function keepRebalancingWhere(inner: Dispatcher, allow: (node: number) => boolean): Dispatcher {
  return {
    name: inner.name,
    ...(inner.periodS === undefined ? {} : { periodS: inner.periodS }),
    ...(inner.eventDriven === undefined ? {} : { eventDriven: inner.eventDriven }),
    ...(inner.parameters ? { parameters: () => inner.parameters!() } : {}),
    ...(inner.tune ? { tune: (change: TunableParameters) => inner.tune!(change) } : {}),
    decide(s: FleetSnapshot, nowS: number): Command[] {
      const commands = inner.decide(s, nowS);
      let kept: Command[] | undefined;
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i];
        if (c.kind === 'rebalance' && !allow(c.node)) kept ??= commands.slice(0, i);
        else kept?.push(c);
      }
      return kept ?? commands;
    },
  };
}
