// The operating area in core: point in polygon (ray casting) against an independent winding-number oracle, holes and
// multipolygons; the restricted graph keeps only what lies inside, never a road that leaves the area, never an
// avoided node, stays strongly connected, and its hierarchy routes exactly; what avoidance costs the trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { avoidanceCost, nearestNode, restrictGraph, ServiceArea, type PolygonRings, type Position } from '../../src/core/network/area.js';
import { buildContractionHierarchy, ChTravelTimes } from '../../src/core/network/ch.js';
import { GraphBuilder, RoadClass, type RoadGraph } from '../../src/core/network/graph.js';
import { pathCoordinates } from '../../src/core/network/geometry.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes, FREE_FLOW } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { expectChEqualsDijkstra } from './ch-equivalence.js';
import { insideByWinding } from './winding.js';

const ring = (...pts: [number, number][]): Position[] => [...pts, pts[0]];
const SQUARE_WITH_HOLE: PolygonRings = [ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([1, 1], [2, 1], [2, 2], [1, 2])];

describe('ServiceArea.contains', () => {
  const area = new ServiceArea([SQUARE_WITH_HOLE]);

  it('is inside the outer ring and outside its holes', () => {
    expect(area.contains(3, 3)).toBe(true); // (lat, lon)
    expect(area.contains(1.5, 1.5)).toBe(false); // in the hole
    expect(area.contains(5, 1)).toBe(false);
    expect(area.contains(-0.1, 2)).toBe(false);
  });

  it('counts points on the boundary (vertices, edges, hole edges) as inside', () => {
    for (const [lat, lon] of [[0, 0], [4, 4], [0, 2], [2, 4], [1, 1], [1.5, 1], [2, 1.5], [4, 0]]) expect(area.contains(lat, lon), `${lat},${lon}`).toBe(true);
  });

  it('handles a ray through a vertex and horizontal edges', () => {
    const diamond = new ServiceArea([[ring([0, 1], [1, 0], [2, 1], [1, 2])]]);
    expect(diamond.contains(1, 1)).toBe(true); // the ray passes through the vertex (2, 1)
    expect(diamond.contains(1, -0.5)).toBe(false); // the ray passes through both side vertices
    const stairs = new ServiceArea([[ring([0, 0], [3, 0], [3, 1], [2, 1], [2, 2], [0, 2])]]);
    expect(stairs.contains(1, 1)).toBe(true); // level with the horizontal edge (3,1)–(2,1), left of it: inside
    expect(stairs.contains(1.5, 2.5)).toBe(false);
    expect(stairs.contains(1, 2.5)).toBe(true); // on the horizontal edge
  });

  it('is the union of a multipolygon, whatever the ring orientation', () => {
    const two = new ServiceArea([[ring([0, 0], [1, 0], [1, 1], [0, 1])], [ring([3, 3], [3, 4], [4, 4], [4, 3])]]);
    expect(two.contains(0.5, 0.5)).toBe(true);
    expect(two.contains(3.5, 3.5)).toBe(true);
    expect(two.contains(2, 2)).toBe(false);
    expect(two.polygonCount).toBe(2);
  });

  it('rejects rings that are too short, open or hold non-finite numbers', () => {
    expect(() => new ServiceArea([])).toThrow('no polygon');
    expect(() => new ServiceArea([[[[0, 0], [1, 0], [0, 0]]]])).toThrow('polygon 0 ring 0 has 3 positions');
    expect(() => new ServiceArea([[[[0, 0], [1, 0], [1, 1], [0, 1]]]])).toThrow('polygon 0 ring 0 is not closed');
    expect(() => new ServiceArea([[ring([0, 0], [1, NaN], [1, 1])]])).toThrow('non-finite');
  });

  /** A simple (star-shaped) ring around (cx, cy): increasing angles (from positive gaps), random radii; reversed when asked. */
  const starRing = (cx: number, cy: number, radii: number[], gaps: number[], reverse: boolean): Position[] => {
    const total = gaps.reduce((a, b) => a + b, 0);
    let angle = 0;
    const pts: [number, number][] = radii.map((r, i) => {
      angle += (2 * Math.PI * gaps[i]) / total;
      return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
    });
    if (reverse) pts.reverse();
    return ring(...pts);
  };
  const arbStar = (scale: number) =>
    fc
      .integer({ min: 3, max: 40 })
      .chain((n) =>
        fc.record({
          radii: fc.array(fc.double({ min: 0.05 * scale, max: scale, noNaN: true }), { minLength: n, maxLength: n }),
          gaps: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: n, maxLength: n }),
          reverse: fc.boolean(),
        }),
      );
  const arbPolygon = fc.record({
    cx: fc.double({ min: -122.5, max: -122.4, noNaN: true }),
    cy: fc.double({ min: 37.7, max: 37.8, noNaN: true }),
    outer: arbStar(0.05),
    holes: fc.array(arbStar(0.01), { maxLength: 2 }),
  });

  it('equals the winding-number count on random simple polygons with holes (property)', () => {
    fc.assert(
      fc.property(fc.array(arbPolygon, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 1e9 }), (polys, seed) => {
        const polygons: PolygonRings[] = polys.map((p) => [
          starRing(p.cx, p.cy, p.outer.radii, p.outer.gaps, p.outer.reverse),
          ...p.holes.map((h) => starRing(p.cx + 0.005, p.cy - 0.003, h.radii, h.gaps, h.reverse)),
        ]);
        const area = new ServiceArea(polygons);
        const rng = new Rng(seed);
        for (let k = 0; k < 400; k++) {
          const lat = 37.62 + rng.next() * 0.26;
          const lon = -122.58 + rng.next() * 0.26;
          if (area.contains(lat, lon) !== insideByWinding(polygons, lat, lon)) return false;
        }
        return true;
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});

/** Nodes A(-3,0) … on a line through a notch: A→B crosses it straight (leaving the area), A→C→D→B goes round below. */
function notchGraph(): { graph: RoadGraph; area: ServiceArea } {
  const b = new GraphBuilder();
  const d = 0.001; // degrees, ~100 m
  const A = b.addNode(1, 0, -3 * d);
  const B = b.addNode(2, 0, 3 * d);
  const C = b.addNode(3, -3 * d, -3 * d);
  const D = b.addNode(4, -3 * d, 3 * d);
  const E = b.addNode(5, -4 * d, -5 * d);
  const two = (from: number, to: number, timeMs: number, shape?: [number, number][]) => {
    const lat = shape?.map((p) => p[0]);
    const lon = shape?.map((p) => p[1]);
    b.addEdge({ from, to, lengthM: timeMs / 100, timeMs, roadClass: RoadClass.residential, ...(shape ? { shapeLat: lat, shapeLon: lon } : {}) });
    b.addEdge({ from: to, to: from, lengthM: timeMs / 100, timeMs, roadClass: RoadClass.residential, ...(shape ? { shapeLat: [...lat!].reverse(), shapeLon: [...lon!].reverse() } : {}) });
  };
  two(A, B, 60_000);
  two(A, C, 30_000);
  two(C, D, 60_000);
  two(D, B, 30_000);
  two(C, E, 20_000, [[-3.5 * d, -6 * d]]); // its shape bulges west, out of the area
  const graph = b.build({ source: 'notch', attribution: '' }).graph;
  // A square with a notch cut from the north, 2d wide, down to lat -1d: A→B crosses it.
  const area = new ServiceArea([[ring([-5.5 * d, -5 * d], [5 * d, -5 * d], [5 * d, 5 * d], [d, 5 * d], [d, -d], [-d, -d], [-d, 5 * d], [-5.5 * d, 5 * d])]]);
  return { graph, area };
}

describe('restrictGraph', () => {
  it('drops roads that leave the area between two inside nodes, by a straight line or by their shape', () => {
    const { graph, area } = notchGraph();
    expect(area.crossesBoundary(graph.lat[0], graph.lon[0], graph.lat[1], graph.lon[1])).toBe(true);
    const r = restrictGraph(graph, { area });
    expect(r.report).toMatchObject({ nodesIn: 5, edgesIn: 10, nodesOutside: 0, edgesLeavingArea: 4, nodesDisconnected: 1, nodesKept: 4, edgesKept: 6 });
    expect(r.report.nodesCut).toBe(1); // E: its only road bulges out
    const tt = new DijkstraTravelTimes(r.graph, FREE_FLOW);
    const at = (id: number) => [...r.graph.externalId].indexOf(id);
    expect(tt.timeS(at(1), at(2))).toBe(120); // round the notch, not 60 s straight across
    expect([...r.originalNode].map((v) => graph.externalId[v])).toEqual([...r.graph.externalId]);
  });

  it('removes avoided nodes and keeps the largest strongly connected component of the rest', () => {
    const { graph } = notchGraph();
    const r = restrictGraph(graph, { avoidNodes: [[...graph.externalId].indexOf(3)] }); // C
    expect([...r.graph.externalId].sort()).toEqual([1, 2, 4]);
    expect(r.report).toMatchObject({ nodesAvoided: 1, nodesDisconnected: 1, nodesCut: 2 });
    expect(() => restrictGraph(graph, { avoidNodes: [99] })).toThrow('avoided node 99 is not a node');
  });

  it('on a city: only inside nodes, no edge point outside, no avoided node, strongly connected, exact hierarchy', () => {
    const { graph: city } = buildSyntheticCity({ widthM: 3000, heightM: 3000, seed: 5 });
    // An L-shaped area with a hole, in the middle of the city.
    const [w, s, e, n] = city.meta.bbox;
    const x = (f: number) => w + f * (e - w);
    const y = (f: number) => s + f * (n - s);
    const polygons: PolygonRings[] = [[ring([x(0.1), y(0.1)], [x(0.9), y(0.1)], [x(0.9), y(0.45)], [x(0.45), y(0.45)], [x(0.45), y(0.9)], [x(0.1), y(0.9)]), ring([x(0.2), y(0.2)], [x(0.3), y(0.2)], [x(0.3), y(0.3)], [x(0.2), y(0.3)])]];
    const area = new ServiceArea(polygons);
    const rng = new Rng(3);
    const avoidNodes = Array.from({ length: 15 }, () => rng.int(city.nodeCount));
    const avoided = new Set(avoidNodes.map((v) => city.externalId[v]));
    const { graph, originalNode, report } = restrictGraph(city, { area, avoidNodes });
    expect(graph.nodeCount).toBeGreaterThan(100);
    expect(report.nodesCut + report.nodesKept).toBe(city.nodeCount);
    expect(report.nodesOutside + report.nodesAvoided + report.nodesDisconnected).toBe(report.nodesCut);
    for (let v = 0; v < graph.nodeCount; v++) {
      expect(insideByWinding(polygons, graph.lat[v], graph.lon[v])).toBe(true);
      expect(avoided.has(graph.externalId[v])).toBe(false);
      expect(city.lat[originalNode[v]]).toBe(graph.lat[v]);
    }
    // Every edge line, sampled every ~5 % of each piece, lies inside by the independent oracle.
    for (let u = 0; u < graph.nodeCount; u++) {
      for (let ed = graph.firstOut[u]; ed < graph.firstOut[u + 1]; ed++) {
        const pts = pathCoordinates(graph, [u, graph.head[ed]]);
        for (let i = 0; i + 1 < pts.length; i++) {
          for (let t = 0; t <= 1; t += 0.05) {
            expect(insideByWinding(polygons, pts[i][1] + t * (pts[i + 1][1] - pts[i][1]), pts[i][0] + t * (pts[i + 1][0] - pts[i][0]))).toBe(true);
          }
        }
      }
    }
    // Strongly connected: Dijkstra reaches every node from node 0 and node 0 from every node.
    const dij = new DijkstraTravelTimes(graph, FREE_FLOW);
    const all = Uint32Array.from({ length: graph.nodeCount }, (_, i) => i);
    expect([...dij.oneToMany(0, all)].every(Number.isFinite)).toBe(true);
    for (let v = 0; v < graph.nodeCount; v += 7) expect(Number.isFinite(dij.timeS(v, 0))).toBe(true);
    expectChEqualsDijkstra(graph, 300, 9, { pathPairs: 50 });
  });
});

describe('nearestNode and avoidanceCost', () => {
  it('finds the nearest node by great-circle distance', () => {
    const { graph } = notchGraph();
    const hit = nearestNode(graph, 0.00001, -0.003);
    expect(graph.externalId[hit.node]).toBe(1);
    expect(hit.distanceM).toBeCloseTo(1.1, 1);
  });

  it('compares the trips’ direct times with and without the avoided nodes', () => {
    const { graph: city } = buildSyntheticCity({ widthM: 2000, heightM: 2000, seed: 2 });
    const rng = new Rng(8);
    const avoidNodes = Array.from({ length: 30 }, () => rng.int(city.nodeCount));
    const cut = restrictGraph(city, { avoidNodes });
    const withTT = new ChTravelTimes(cut.graph, buildContractionHierarchy(cut.graph), FREE_FLOW);
    const withoutTT = new DijkstraTravelTimes(city, FREE_FLOW);
    const trips = Array.from({ length: 300 }, (_, i) => ({ requestS: i * 60, pickupNode: rng.int(cut.graph.nodeCount), dropoffNode: rng.int(cut.graph.nodeCount) }));
    const cost = avoidanceCost(trips, withTT, withoutTT, Int32Array.from(cut.originalNode));
    expect(cost.trips).toBe(300);
    expect(cost.longer).toBeGreaterThan(0);
    expect(cost.meanWithS).toBeGreaterThan(cost.meanWithoutS);
    expect(cost.medianWithS).toBeGreaterThanOrEqual(cost.medianWithoutS);
    expect(cost.meanIncreasePct).toBeCloseTo((100 * (cost.meanWithS - cost.meanWithoutS)) / cost.meanWithoutS, 9);
    // Nothing avoided: nothing longer.
    const same = avoidanceCost(trips, withTT, withTT, Int32Array.from({ length: cut.graph.nodeCount }, (_, i) => i));
    expect(same).toMatchObject({ longer: 0, maxIncreaseS: 0, medianIncreasePct: 0, meanIncreasePct: 0 });
  });
});
