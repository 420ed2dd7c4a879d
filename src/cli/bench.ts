// `baton bench routing`: the routing figures (preprocessing, point-to-point queries/s, 1000×1000 table) on a network.
import type { Command } from 'commander';
import { importNetwork, isNetworkFilePath } from '../io/network-source.js';
import { loadNetwork } from '../io/network-file.js';
import { benchRouting } from './bench-routing.js';
import { parsePositiveInt } from './args.js';
import { progressBar } from './progress.js';
import { emitJson, JSON_FLAGS, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('measure Baton on a network');
  bench
    .command('routing')
    .description('contract the network afresh and time point-to-point queries and a many-to-many table on seeded random nodes')
    .argument('<network...>', 'a .baton file or raw network input (OSM, CSV pair/folder, synthetic[:nodes=N])')
    .option('--pairs <n>', 'point-to-point queries to time', '50000')
    .option('--table <n>', 'side of the many-to-many table', '1000')
    .option('--seed <n>', 'seed of the random nodes', '1')
    .option(JSON_FLAGS, jsonHelp('the figures'))
    .action(async (inputs: string[], o: { pairs: string; table: string; seed: string; json?: JsonOption }) => {
      const graph = inputs.length === 1 && isNetworkFilePath(inputs[0]) ? loadNetwork(inputs[0]).graph : (await importNetwork(inputs)).graph;
      let bar: ReturnType<typeof progressBar> | undefined;
      const r = await benchRouting(graph, {
        pairs: parsePositiveInt('--pairs', o.pairs),
        tableSize: parsePositiveInt('--table', o.table),
        seed: parsePositiveInt('--seed', o.seed),
        onProgress: (done, total) => {
          bar ??= progressBar('contracting', total);
          bar.update(done);
        },
      });
      bar?.stop();
      emitJson(o.json, r, { pretty: false });
      if (jsonOnStdout(o.json)) return;
      process.stdout.write(
        [
          `nodes            ${r.nodes}`,
          `edges            ${r.edges}`,
          `preprocessS      ${r.preprocessS.toFixed(2)}`,
          `p2pQueriesPerS   ${Math.round(r.p2pQueriesPerS)}`,
          `manyToMany1000S  ${r.manyToMany1000S.toFixed(3)}   (${r.tableSize} × ${r.tableSize})`,
          `peakRssMb        ${r.peakRssMb}`,
        ].join('\n') + '\n',
      );
    });
}
