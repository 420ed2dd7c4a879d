// Opens a scenario's network restricted to its operating area: the road graph cut to the service area
// (`--service-area`) and without the avoided intersections (`--avoid`), its largest strongly connected component kept,
// and a contraction hierarchy built on the cut graph, so that no route can leave the area or pass an avoided node at
// any cost. Also measures how much longer the avoidance makes the day's direct trips.
import { basename } from 'node:path';
import { avoidanceCost, restrictGraph, type AvoidanceCost, type Restriction, type RestrictionReport, ServiceArea } from '../core/network/area.js';
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import type { TravelTimes } from '../core/network/travel-times.js';
import { InputFileError } from './file-input.js';
import { readAvoidList, resolveAvoidList } from './avoid-list.js';
import { readNetwork, routableNetwork, type OpenedNetwork, type OpenOptions } from './network-source.js';
import { readServiceArea } from './service-area.js';

/** The operating-area settings (src/io/settings.ts): file names and the avoid cutoff. */
export interface OperatingAreaInputs {
  serviceArea?: string;
  avoid?: string;
  avoidCutoffM: number;
}

/** What the operating area did: printed by the commands and written to the KPI JSON (`operatingArea`). */
export interface OperatingAreaSummary {
  serviceArea?: {
    file: string;
    polygons: number;
    /** Boundary vertices (ring positions without the closing repeat). */
    vertices: number;
    /** Trip rows rejected as outside_service_area (0 for synthetic demand, drawn on the restricted network). */
    requestsRejected: number;
  };
  avoid?: {
    file: string;
    /** Entries listed, and the distinct network nodes they name. */
    listed: number;
    nodes: number;
    /** Listed nodes removed from the area's network (the others lay outside it already). */
    nodesRemoved: number;
    nodesOutsideArea: number;
    /** Farthest a listed point lay from its node, metres. */
    maxSnapM: number;
    /** Direct pickup→drop-off times of the scenario's requests with and without the avoidance. */
    tripTimes?: AvoidanceCost;
  };
  /** From the whole network to the one routed on: nodes and edges cut, and why. */
  network: RestrictionReport;
}

/** A network restricted to an operating area, ready for routing. */
export interface OperatingNetwork {
  network: OpenedNetwork;
  /** The service area, for the trip loader's outside_service_area check. */
  area?: ServiceArea;
  summary: OperatingAreaSummary;
  /** With an avoid list: the network without the avoidance, and its node for each node of `network`. */
  withoutAvoid?: { travelTimes: TravelTimes; node: Int32Array };
}

/** Sums two successive restrictions into one report from the first one's input to the second one's output. */
function chained(first: RestrictionReport, second: RestrictionReport): RestrictionReport {
  return {
    nodesIn: first.nodesIn,
    edgesIn: first.edgesIn,
    nodesOutside: first.nodesOutside + second.nodesOutside,
    nodesAvoided: first.nodesAvoided + second.nodesAvoided,
    edgesLeavingArea: first.edgesLeavingArea + second.edgesLeavingArea,
    nodesDisconnected: first.nodesDisconnected + second.nodesDisconnected,
    nodesKept: second.nodesKept,
    edgesKept: second.edgesKept,
    nodesCut: first.nodesIn - second.nodesKept,
    edgesCut: first.edgesIn - second.edgesKept,
  };
}

/**
 * Reads the network and restricts it to the operating area: first to the service area (nodes inside, edges whose
 * line stays inside; a service area with no road of the network is an error), then without the avoided nodes; the
 * largest strongly connected component is kept at each step. The hierarchy is built on the result (a stored one
 * describes the whole network and is not used); with an avoid list, one is also built on the network before
 * avoidance to measure what avoidance costs.
 *
 * @example
 * const op = await openOperatingNetwork(['../shared/data/san-francisco'], { serviceArea: 'zoox.geojson', avoidCutoffM: 50 });
 * op.summary.network.nodesCut;
 */
export async function openOperatingNetwork(inputs: string[], o: OperatingAreaInputs, opts: OpenOptions = {}): Promise<OperatingNetwork> {
  const whole = await readNetwork(inputs, opts);
  const source = whole.graph.meta.source;
  const area = o.serviceArea ? readServiceArea(o.serviceArea) : undefined;
  // Points are snapped on the whole network, so a point just outside the area names its real intersection.
  const avoid = o.avoid ? resolveAvoidList(o.avoid, readAvoidList(o.avoid), whole.graph, o.avoidCutoffM) : undefined;

  let inArea: Restriction | undefined;
  if (area && o.serviceArea) {
    inArea = restrictGraph(whole.graph, { area, source: `${source}, service area ${basename(o.serviceArea)}` });
    if (inArea.graph.edgeCount === 0) {
      const [w, s, e, n] = area.bbox.map((x) => x.toFixed(4));
      const [nw, ns, ne, nn] = whole.graph.meta.bbox.map((x) => x.toFixed(4));
      const inside = whole.graph.nodeCount - inArea.report.nodesOutside;
      const nodes = inside === 0 ? `none of its ${whole.graph.nodeCount} nodes lies inside` : `${inside} of its ${whole.graph.nodeCount} nodes lie inside, but no road between them stays inside`;
      throw new InputFileError(o.serviceArea, `the service area contains no road of the network ${source}: ${nodes} (area bbox ${w},${s},${e},${n}; network bbox ${nw},${ns},${ne},${nn})`);
    }
  }
  let routed: Restriction | undefined = inArea;
  let nodesOutsideArea = 0;
  if (avoid && o.avoid) {
    const base = inArea?.graph ?? whole.graph;
    let avoidNodes: number[] = [...avoid.nodes];
    if (inArea) {
      const inAreaOf = new Int32Array(whole.graph.nodeCount).fill(-1);
      inArea.originalNode.forEach((orig, i) => (inAreaOf[orig] = i));
      avoidNodes = avoidNodes.map((v) => inAreaOf[v]).filter((v) => v >= 0);
      nodesOutsideArea = avoid.nodes.length - avoidNodes.length;
    }
    const cut = restrictGraph(base, { avoidNodes, source: `${base.meta.source}, ${avoidNodes.length} intersections avoided (${basename(o.avoid)})` });
    if (cut.graph.edgeCount === 0) throw new InputFileError(o.avoid, `avoiding these ${avoidNodes.length} intersections leaves no connected road`);
    routed = inArea ? { ...cut, originalNode: cut.originalNode.map((v) => inArea.originalNode[v]), report: chained(inArea.report, cut.report) } : cut;
    // The network before avoidance is only routed on to measure the avoidance (a stored hierarchy serves when there is no area).
    const before = inArea ? routableNetwork({ graph: inArea.graph }, opts) : routableNetwork(whole, opts);
    const network = routableNetwork({ graph: routed.graph }, opts);
    return {
      network,
      area,
      summary: summaryOf(o, area, routed.report, { ...avoid, nodesRemoved: cut.report.nodesAvoided, nodesOutsideArea }),
      withoutAvoid: { travelTimes: before.travelTimes, node: Int32Array.from(cut.originalNode) },
    };
  }
  if (!routed) throw new Error('openOperatingNetwork: neither a service area nor an avoid list given');
  return { network: routableNetwork({ graph: routed.graph }, opts), area, summary: summaryOf(o, area, routed.report, undefined) };
}

function summaryOf(
  o: OperatingAreaInputs,
  area: ServiceArea | undefined,
  network: RestrictionReport,
  avoid: (ReturnType<typeof resolveAvoidList> & { nodesRemoved: number; nodesOutsideArea: number }) | undefined,
): OperatingAreaSummary {
  return {
    ...(area && o.serviceArea ? { serviceArea: { file: o.serviceArea, polygons: area.polygonCount, vertices: area.segmentCount, requestsRejected: 0 } } : {}),
    ...(avoid && o.avoid
      ? {
          avoid: {
            file: o.avoid,
            listed: avoid.listed,
            nodes: avoid.nodes.length,
            nodesRemoved: avoid.nodesRemoved,
            nodesOutsideArea: avoid.nodesOutsideArea,
            maxSnapM: Math.round(avoid.maxSnapM * 10) / 10,
          },
        }
      : {}),
    network,
  };
}

/**
 * The summary completed with the scenario's requests: trip rows rejected outside the area, and (with an avoid list)
 * the direct trip times with and without the avoidance.
 */
export function operatingAreaOutcome(op: OperatingNetwork, requests: readonly PlacedTrip[], requestsRejected: number): OperatingAreaSummary {
  const s = op.summary;
  return {
    ...s,
    ...(s.serviceArea ? { serviceArea: { ...s.serviceArea, requestsRejected } } : {}),
    ...(s.avoid && op.withoutAvoid
      ? { avoid: { ...s.avoid, tripTimes: avoidanceCost(requests, op.network.travelTimes, op.withoutAvoid.travelTimes, op.withoutAvoid.node) } }
      : {}),
  };
}
