// Routing benchmark: the CH figures on San Francisco (TIGER CSV) and on a synthetic large metro (≥ 300,000 nodes),
// measured side by side in one run and written to bench/results/routing-<date>.json.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importCsvNetwork } from '../src/io/csv-network.js';
import { buildSyntheticCity, syntheticCityOfNodes } from '../src/core/network/synthetic.js';
import { benchRouting, type BenchRoutingResult } from '../src/cli/bench-routing.js';
import { writeResult } from './machine.js';

const SF = resolve(import.meta.dirname, '../../shared/data/san-francisco');
const METRO_NODES = Number(process.env.METRO_NODES ?? 300_000);
const rows: (BenchRoutingResult & { network: string })[] = [];

function show(network: string, r: BenchRoutingResult): void {
  console.log(
    `${network.padEnd(22)} nodes ${String(r.nodes).padStart(7)}  edges ${String(r.edges).padStart(8)}  preprocess ${r.preprocessS.toFixed(1).padStart(6)} s  ` +
      `p2p ${Math.round(r.p2pQueriesPerS).toString().padStart(7)} q/s  1000×1000 ${r.manyToMany1000S.toFixed(3)} s  peak RSS ${r.peakRssMb} MB`,
  );
}

if (existsSync(resolve(SF, 'sf_road_nodes.csv.gz'))) {
  const { graph } = await importCsvNetwork(resolve(SF, 'sf_road_nodes.csv.gz'), resolve(SF, 'sf_road_edges.csv.gz'));
  const r = await benchRouting(graph, { seed: 1 });
  rows.push({ network: 'san-francisco', ...r });
  show('san-francisco', r);
} else {
  console.log(`san-francisco skipped: ${SF} not found`);
}
const { graph: metro } = buildSyntheticCity(syntheticCityOfNodes(METRO_NODES, 1));
const r = await benchRouting(metro, { seed: 1 });
rows.push({ network: `synthetic-${METRO_NODES}`, ...r });
show(`synthetic ${METRO_NODES}`, r);
console.log(`wrote ${writeResult('routing', { rows })}`);
