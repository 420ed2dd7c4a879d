// keepRebalancingWhere: rebalance commands to nodes outside the (changing) area are dropped; all else passes as is.
import { describe, expect, it } from 'vitest';
import { keepRebalancingWhere } from '../../src/core/dispatch/rebalance-guard.js';
import type { Command, Dispatcher, FleetSnapshot } from '../../src/core/dispatch/types.js';

const commands: Command[] = [
  { kind: 'rebalance', vehicle: 0, node: 3 },
  { kind: 'assign', vehicle: 1, stops: [{ action: 'pickup', request: 0 }, { action: 'dropoff', request: 0 }] },
  { kind: 'rebalance', vehicle: 2, node: 7 },
  { kind: 'reject', request: 1, reason: 'x' },
];
const inner: Dispatcher = { name: 'fixed', periodS: 30, decide: () => commands };
const snapshot = {} as FleetSnapshot;

describe('keepRebalancingWhere', () => {
  it('drops rebalancing to refused nodes, keeps order and everything else, and reads the predicate at each decision', () => {
    let inside = new Set([0, 1, 2, 3, 4, 5, 6, 7]);
    const d = keepRebalancingWhere(inner, (node) => inside.has(node));
    expect(d.name).toBe('fixed');
    expect(d.periodS).toBe(30);
    expect(d.decide(snapshot, 0)).toBe(commands); // nothing dropped: the same array
    inside = new Set([0, 1, 2, 3]);
    expect(d.decide(snapshot, 30)).toEqual([commands[0], commands[1], commands[3]]);
    inside = new Set();
    expect(d.decide(snapshot, 60)).toEqual([commands[1], commands[3]]);
  });
});
