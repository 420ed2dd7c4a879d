// Exact choice of trips for cars of two seats (pooled dispatch): each column is one car with one request (a single) or
// two (a pair). Singles alone are an assignment problem; pairs make it a 3-dimensional matching in general. This
// branch and bound keeps the assignment as its workhorse and branches only on pairs that its duals price as improving.

import { AssignmentSolver } from './assignment.js';
import { bySize } from './by-size.js';
import { objectiveOf, type BinaryProgram, type BinaryProgramSolution, type BinaryProgramSolver, packingBranchAndBound } from './ilp.js';

/**
 * Exact solver for the two-seat trip program: every column has value 1 in exactly one car row (rows
 * 0..partitionRows-1) and in one or two request rows, every row is at most once. Other programs, and components whose
 * search exceeds `nodeBudget` nodes, go to `fallback` (e.g. HiGHS).
 *
 * A node fixes some pairs taken and some excluded. Its residual singles are solved exactly as a sparse assignment
 * (requests to cars, leaving a request out costs 0: penalties are folded into the column costs), which is also a
 * feasible solution (incumbent). LP duals of that assignment (rebuilt by Bellman–Ford, as in pooled's pricing) price
 * every open pair: reduced cost rc = cost + π_car − u_r1 − u_r2. With u ≤ 0 on request rows and π ≥ 0 on car rows,
 * any feasible choice costs at least Σu − Σπ + Σ_cars min(0, least rc of the car's open pairs) (each car takes at most
 * one column, each request is covered at most once): the node's lower bound. When no open pair has rc < 0, the
 * assignment is optimal for the node (the duals stay feasible with the pairs); otherwise it branches on the car whose
 * open pairs price lowest: one child per open pair of that car (taken: its car and requests leave the node), and one
 * where the car takes none of them (they are excluded, it may still take a single). Every feasible choice lies in
 * exactly one child and a node is cut only when its bound cannot beat the incumbent, so the result is optimal.
 *
 * @example const solver = packingBranchAndBound(pairPackingBranchAndBound(await loadHighsBinarySolver()));
 */
export function pairPackingBranchAndBound(fallback: BinaryProgramSolver, nodeBudget = 200): BinaryProgramSolver {
  const assignment = new AssignmentSolver();
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      const shape = twoSeatShape(p);
      if (!shape) return fallback.solve(p, start);
      const { best, proven } = search(p, shape, assignment, nodeBudget);
      if (proven) return best;
      // Hand on the better of the two incumbents (ours is an assignment-optimal completion of some pairs).
      return fallback.solve(p, best && (!start || best.objective < objectiveOf(p, start)) ? best.x : start);
    },
  };
}

/**
 * The exact chain for pooled's two-seat programs (decision 0026): the packing branch and bound with a small budget
 * (its Lagrangian root proves most programs at once; deeper searches rarely finish), then a short two-seat search
 * whose dives (take the pair the assignment duals price lowest, solve the rest as an assignment) give a good
 * incumbent, then `fallback` (HiGHS) started from the best incumbent so far, which it only has to prove or improve.
 * Measured on the recorded programs of an SF tight-fleet day (`bench/pooled-solvers.ts`): the same objective as HiGHS
 * on every one, in ~60 % of the previous chain's CPU time.
 *
 * Programs of `rootOnlyColumns` columns or more (default CHAIN_ROOT_ONLY_COLUMNS) get the packing search's root alone
 * before `fallback` (decision 0034): where the root does not prove them, their LP bound is tens of seconds under the
 * optimum, so neither 50 more nodes nor the two-seat search proves them either, and the better start they hand on
 * saves HiGHS less than they cost.
 *
 * @example pooled({ solver: twoSeatSolverChain(highs) })
 */
export function twoSeatSolverChain(fallback: BinaryProgramSolver, rootOnlyColumns = CHAIN_ROOT_ONLY_COLUMNS): BinaryProgramSolver {
  const searched = packingBranchAndBound(pairPackingBranchAndBound(fallback, CHAIN_PAIR_NODES), CHAIN_PACKING_NODES);
  return bySize(searched, packingBranchAndBound(fallback, 1), rootOnlyColumns);
}

/** Node budgets of twoSeatSolverChain (measured best on SF at a tight fleet: see docs/BENCHMARKS.md, Issue 13). */
export const CHAIN_PACKING_NODES = 50;
export const CHAIN_PAIR_NODES = 20;

/**
 * From this many columns the chain runs the packing search's root alone before HiGHS (decision 0034). On the stress
 * day's recorded 200–999-column programs (busy hour and off-peak) the root proved about half, and of the rest the 50
 * nodes and the two-seat search proved ~1 in 10 while costing ~40 % of the chain's time: root-then-HiGHS took 7–26 %
 * less CPU, the same objective on every program.
 */
export const CHAIN_ROOT_ONLY_COLUMNS = 200;

/** Columns as (car, first request, second request or -1), when p has the two-seat shape; else null. */
interface TwoSeatShape {
  car: Int32Array;
  r1: Int32Array;
  r2: Int32Array;
  cars: number;
}

function twoSeatShape(p: BinaryProgram): TwoSeatShape | null {
  const parts = p.partitionRows ?? 0;
  if (parts <= 0) return null;
  for (let i = 0; i < p.rowCount; i++) if (p.rowLower[i] !== 0 || p.rowUpper[i] !== 1) return null;
  const car = new Int32Array(p.colCount);
  const r1 = new Int32Array(p.colCount);
  const r2 = new Int32Array(p.colCount);
  for (let j = 0; j < p.colCount; j++) {
    let c = -1;
    let a = -1;
    let b = -1;
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
      if (p.value[k] !== 1) return null;
      const row = p.rowIndex[k];
      if (row < parts) {
        if (c >= 0) return null;
        c = row;
      } else if (a < 0) a = row;
      else if (b < 0) b = row;
      else return null;
    }
    if (c < 0 || a < 0) return null;
    car[j] = c;
    r1[j] = a;
    r2[j] = b;
  }
  return { car, r1, r2, cars: parts };
}

/** Thrown when the node budget runs out; caught inside search (not an Error: no stack trace to record). */
class BudgetExceeded {}

function search(
  p: BinaryProgram,
  shape: TwoSeatShape,
  assignment: AssignmentSolver,
  nodeBudget: number,
): { best: BinaryProgramSolution | null; proven: boolean } {
  const { car, r1, r2, cars } = shape;
  const cost = p.cost;
  const n = p.colCount;
  const reqRows = p.rowCount - cars;
  /** 1 where a car or request row is taken by a pair fixed on the current path. */
  const carUsed = new Uint8Array(cars);
  const reqUsed = new Uint8Array(reqRows);
  /** 1 where a pair is excluded on the current path. */
  const excluded = new Uint8Array(n);
  const taken: number[] = [];
  let integral = true;
  for (let j = 0; j < n; j++) if (!Number.isInteger(cost[j])) integral = false;
  const slack = integral ? 1 - 1e-6 : 1e-9;
  let best: BinaryProgramSolution | null = null;
  let nodes = 0;
  // Singles grouped by request row (CSR), fixed for the whole search; a node skips the ones it removed.
  const singlesOf: number[][] = Array.from({ length: reqRows }, () => []);
  const pairs: number[] = [];
  for (let j = 0; j < n; j++) {
    if (r2[j] < 0) singlesOf[r1[j] - cars].push(j);
    else pairs.push(j);
  }
  const u = new Float64Array(reqRows);
  const pi = new Float64Array(cars + 1);

  const node = (acc: number): void => {
    if (++nodes > nodeBudget) throw new BudgetExceeded();
    // Residual singles as an assignment: rows = free requests, columns = free cars.
    const rowFirst: number[] = [0];
    const col: number[] = [];
    const edgeCost: number[] = [];
    const edgeCol: number[] = [];
    const rowReq: number[] = [];
    for (let r = 0; r < reqRows; r++) {
      if (reqUsed[r]) continue;
      for (const j of singlesOf[r]) {
        if (carUsed[car[j]]) continue;
        col.push(car[j]);
        edgeCost.push(cost[j]);
        edgeCol.push(j);
      }
      rowReq.push(r);
      rowFirst.push(col.length);
    }
    const rows = rowReq.length;
    const res = assignment.solve({
      rowCount: rows,
      colCount: cars,
      rowFirst: Uint32Array.from(rowFirst),
      col: Uint32Array.from(col),
      cost: Float64Array.from(edgeCost),
      unassignedCost: new Float64Array(rows),
    });
    // The matched single of each row (the cheapest column to that car, lowest index on ties).
    const matchCost = new Float64Array(rows);
    const matchCol = new Int32Array(rows).fill(-1);
    let value = acc;
    for (let i = 0; i < rows; i++) {
      const c = res.rowToCol[i];
      if (c < 0) continue;
      for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
        if (col[k] === c && (matchCol[i] < 0 || edgeCost[k] < matchCost[i])) {
          matchCost[i] = edgeCost[k];
          matchCol[i] = edgeCol[k];
        }
      }
      value += matchCost[i];
    }
    if (best === null || value < best.objective - 1e-9) {
      const x = new Uint8Array(n);
      for (const j of taken) x[j] = 1;
      for (let i = 0; i < rows; i++) if (matchCol[i] >= 0) x[matchCol[i]] = 1;
      best = { x, objective: value };
    }
    // Duals by Bellman–Ford over cars 0..cars-1 and the root Z = cars (see PooledPlanner.solveSingles): π_Z = 0,
    // edge j → Z (0), Z → free car (0), Z → matched car (−match cost), other car → matched car (cost − match cost),
    // other car → Z for an unmatched row (its cost).
    const from: number[] = [];
    const to: number[] = [];
    const w: number[] = [];
    for (let c = 0; c < cars; c++) {
      if (carUsed[c]) continue;
      from.push(c);
      to.push(cars);
      w.push(0);
      if (res.colToRow[c] >= 0) continue;
      from.push(cars);
      to.push(c);
      w.push(0);
    }
    for (let i = 0; i < rows; i++) {
      const c = res.rowToCol[i];
      if (c >= 0) {
        from.push(cars);
        to.push(c);
        w.push(-matchCost[i]);
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
          if (col[k] === c) continue;
          from.push(col[k]);
          to.push(c);
          w.push(edgeCost[k] - matchCost[i]);
        }
      } else {
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
          from.push(col[k]);
          to.push(cars);
          w.push(edgeCost[k]);
        }
      }
    }
    pi.fill(Infinity);
    pi[cars] = 0;
    let converged = false;
    for (let round = 0; round <= cars + 1; round++) {
      let changed = false;
      for (let e = 0; e < from.length; e++) {
        const d = pi[from[e]] + w[e];
        if (d < pi[to[e]]) {
          pi[to[e]] = d;
          changed = true;
        }
      }
      if (!changed) {
        converged = true;
        break;
      }
    }
    // No dual (cannot happen for an optimal assignment): give up on this program rather than guess.
    if (!converged || pi[cars] !== 0) throw new BudgetExceeded();
    u.fill(0);
    let dual = acc;
    for (let i = 0; i < rows; i++) {
      const c = res.rowToCol[i];
      u[rowReq[i]] = c >= 0 ? matchCost[i] + pi[c] : 0;
      dual += u[rowReq[i]];
    }
    for (let c = 0; c < cars; c++) if (!carUsed[c] && Number.isFinite(pi[c])) dual -= pi[c];
    // Least reduced cost per car over open pairs, and the car to branch on (the least of them).
    const minRc = new Float64Array(cars);
    const rcOf = new Float64Array(n);
    let branchCar = -1;
    for (const j of pairs) {
      if (excluded[j] || carUsed[car[j]] || reqUsed[r1[j] - cars] || reqUsed[r2[j] - cars]) continue;
      const piC = pi[car[j]];
      if (!Number.isFinite(piC)) throw new BudgetExceeded();
      const rc = cost[j] + piC - u[r1[j] - cars] - u[r2[j] - cars];
      rcOf[j] = rc;
      if (rc < minRc[car[j]]) minRc[car[j]] = rc;
      if (rc < -1e-9 && (branchCar < 0 || minRc[car[j]] < minRc[branchCar])) branchCar = car[j];
    }
    if (branchCar < 0) return; // the assignment is optimal for this node
    let bound = dual;
    for (let c = 0; c < cars; c++) bound += minRc[c];
    if (best !== null && bound > best.objective - slack) return;
    // Branch on the car: it takes one of its open pairs (least reduced cost first), or none of them.
    const open: number[] = [];
    for (const j of pairs) {
      if (car[j] !== branchCar || excluded[j] || reqUsed[r1[j] - cars] || reqUsed[r2[j] - cars]) continue;
      open.push(j);
    }
    open.sort((x, y) => rcOf[x] - rcOf[y] || x - y);
    carUsed[branchCar] = 1;
    for (const j of open) {
      const a = r1[j] - cars;
      const b = r2[j] - cars;
      reqUsed[a] = 1;
      reqUsed[b] = 1;
      taken.push(j);
      node(acc + cost[j]);
      taken.pop();
      reqUsed[a] = 0;
      reqUsed[b] = 0;
    }
    carUsed[branchCar] = 0;
    for (const j of open) excluded[j] = 1;
    node(acc);
    for (const j of open) excluded[j] = 0;
  };
  try {
    node(0);
  } catch (e) {
    if (e instanceof BudgetExceeded) return { best, proven: false };
    throw e;
  }
  return { best, proven: true };
}
