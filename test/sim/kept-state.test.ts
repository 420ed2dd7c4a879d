// What the engine keeps so that dispatchers need not redo per-car work every batch: Movement's kept divert points
// (divertAt and divertPoints equal a fresh search at any later time, across refills of the kept nodes, cut legs and new
// legs) and the plan version (a car whose version did not change has the same plan, with the same request statuses).
import { describe, expect, it } from 'vitest';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { RequestStatus, VehicleStatus, type Dispatcher, type TimedNode } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Movement } from '../../src/core/sim/movement.js';
import { DEFAULT_VEHICLE_SPEC, FleetState } from '../../src/core/sim/vehicle-state.js';
import { simulate } from '../../src/core/simulate.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { randomRequests } from '../dispatch/conformance.js';

const { graph: g } = buildSyntheticCity({ seed: 5, widthM: 3000, heightM: 3000, blockM: 150 });
const tt = new DijkstraTravelTimes(g);

/** One leg per step: [from, to, startS], then optionally cut at cutS. */
interface Leg {
  from: number;
  to: number;
  startS: number;
  cutS?: number;
}

/** divertAt of a car that drove `legs` (the last is the current one) on a Movement that never searched before t. */
function freshDivert(legs: Leg[], t: number): TimedNode {
  const f = new FleetState(1, DEFAULT_VEHICLE_SPEC);
  const m = new Movement(f, tt, g, true);
  const leg = legs[legs.length - 1];
  f.node[0] = leg.from;
  f.status[0] = VehicleStatus.driving;
  m.beginLeg(0, leg.to, leg.startS);
  if (leg.cutS !== undefined) m.cutAtNextNode(0, leg.cutS);
  return m.divertAt(0, t);
}

describe('kept divert points', () => {
  it('equal a fresh search at every later time, across refills, cuts and new legs', () => {
    const n = 3;
    const f = new FleetState(n, DEFAULT_VEHICLE_SPEC);
    const m = new Movement(f, tt, g, true);
    const last = g.nodeCount - 1;
    // Car 0 crosses the city; car 1 too, cut short at 200 s; car 2 drives a short leg, then a new one back from 400 s.
    const legs: Leg[][] = [[{ from: 0, to: last, startS: 0 }], [{ from: last, to: 0, startS: 3 }], [{ from: 7, to: last - 40, startS: 5 }]];
    for (let v = 0; v < n; v++) {
      f.node[v] = legs[v][0].from;
      f.status[v] = VehicleStatus.driving;
      m.beginLeg(v, legs[v][0].to, legs[v][0].startS);
    }
    const divS = new Float64Array(n);
    const divNode = new Int32Array(n);
    const endS = new Float64Array(n);
    const endNode = new Int32Array(n);
    let checked = 0;
    let pathNodesPassed = 0;
    let lastNode = -1;
    for (let t = 5; t <= 900; t += 7) {
      if (t >= 200 && legs[1][0].cutS === undefined) {
        m.cutAtNextNode(1, t);
        legs[1][0].cutS = t;
      }
      if (t >= 400 && legs[2].length === 1) {
        m.endLeg(2);
        const from = f.node[2];
        legs[2].push({ from, to: 0, startS: t });
        m.beginLeg(2, 0, t);
      }
      m.divertPoints(t, divS, divNode, endS, endNode);
      for (let v = 0; v < n; v++) {
        if (t > f.legEndS[v]) continue;
        const want = freshDivert(legs[v], t);
        expect(m.divertAt(v, t)).toEqual(want);
        expect([divS[v], divNode[v]]).toEqual([want.timeS, want.node]);
        expect([endS[v], endNode[v]]).toEqual([f.legEndS[v], f.legTarget[v]]);
        checked++;
      }
      if (divNode[0] !== lastNode) pathNodesPassed++;
      lastNode = divNode[0];
    }
    expect(checked).toBeGreaterThan(150);
    // Car 0 passes more nodes than a refill of the kept nodes covers, several times over.
    expect(pathNodesPassed).toBeGreaterThan(20);
  });
});

describe('the plan version', () => {
  it('changes whenever a car’s plan changes (same version: same stops, same request statuses)', async () => {
    const solver = packingBranchAndBound(await loadHighsBinarySolver());
    const inner = pooled({ solver });
    const seen = new Map<number, { version: number; plan: string }>();
    let same = 0;
    let changed = 0;
    let rejected = 0;
    let decisions = 0;
    const watching: Dispatcher = {
      ...inner,
      decide(s, nowS) {
        decisions++;
        for (let v = 0; v < s.vehicleCount; v++) {
          const plan = JSON.stringify(s.plan(v).map((st) => [st.action, st.request, s.requestStatus[st.request]]));
          const was = seen.get(v);
          if (was && was.version === s.vehiclePlanVersion[v]) {
            expect(plan).toBe(was.plan);
            same++;
          } else if (was && was.plan !== plan) {
            changed++;
          }
          seen.set(v, { version: s.vehiclePlanVersion[v], plan });
        }
        const commands = inner.decide(s, nowS);
        // Now and then a rider promised a car whose plan is not replaced now is turned down (the engine takes it off
        // that plan, and nothing else changes the plan).
        if (decisions % 5 === 0) {
          const given = new Set(commands.map((c) => (c.kind === 'assign' ? c.vehicle : -1)));
          const r = s.openRequests().find((q) => s.requestStatus[q] === RequestStatus.assigned && !given.has(s.requestVehicle[q]));
          if (r !== undefined) {
            commands.push({ kind: 'reject', request: r, reason: 'test' });
            rejected++;
          }
        }
        return commands;
      },
    };
    simulate({ graph: g, travelTimes: tt, requests: randomRequests(g, 300, 3600, 9), fleetSize: 12, dispatcher: watching, seed: 2, maxWaitS: 240 });
    expect(same).toBeGreaterThan(1000);
    expect(changed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(10);
  });
});
