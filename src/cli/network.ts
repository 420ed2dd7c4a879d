// `baton network build|info` and `baton route`: import road networks, store them with their hierarchy, and route.
import type { Command } from 'commander';
import { RoadSnapper } from '../core/network/snap.js';
import { pathCoordinates } from '../core/network/geometry.js';
import { buildContractionHierarchy } from '../core/network/ch.js';
import { importNetwork, openNetwork, saveNetworkWithCh, isNetworkFilePath } from '../io/network-source.js';
import { loadNetwork } from '../io/network-file.js';
import { checkOutputs, writingFor } from '../io/output-file.js';
import { parseClockS, parseLatLon, parseSpeeds, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

/** Opens a network for a command, drawing a bar while a hierarchy is built. */
export async function openForCommand(inputs: string[], speeds?: Record<string, number>) {
  let bar: ReturnType<typeof progressBar> | undefined;
  const net = await openNetwork(inputs, {
    speeds,
    onChProgress: (done, total) => {
      bar ??= progressBar('contracting', total);
      bar.update(done);
    },
  });
  bar?.stop();
  if (!net.chFromFile && !isNetworkFilePath(inputs[0]) && process.stderr.isTTY) {
    process.stderr.write(`note: built the routing hierarchy in ${net.chBuildS.toFixed(1)} s; \`baton network build\` stores it for next time\n`);
  }
  return net;
}

export function registerNetworkCommands(program: Command): void {
  const network = program.command('network').description('import and inspect road networks');

  network
    .command('build')
    .description('import a road network (OSM .osm.pbf/.osm/.osm.gz, node+edge CSV pair or folder, or "synthetic[:nodes=N,seed=S]") into a .baton file with its routing hierarchy')
    .argument('<input...>', 'network input(s)')
    .requiredOption('-o, --out <file>', 'output .baton file')
    .option('--speeds <json>', 'speed overrides in km/h by road class or source class, inline JSON or a file: {"residential":25,"S1400":35}')
    .option('--no-ch', 'do not store the contraction hierarchy (smaller file, slower first use)')
    .option(JSON_FLAGS, jsonHelp('the build report'))
    .action(async (inputs: string[], o: { out: string; speeds?: string; ch: boolean; json?: JsonOption }) => {
      const speeds = o.speeds ? parseSpeeds('--speeds', o.speeds) : undefined;
      const speedsFile = o.speeds && !o.speeds.trim().startsWith('{') ? [{ option: '--speeds', file: o.speeds }] : [];
      checkOutputs([{ option: '--out', file: o.out }, jsonFile(o.json) === undefined ? undefined : { option: '--json', file: jsonFile(o.json)! }], [...inputs.filter((f) => !/^synthetic(:|$)/.test(f)).map((file) => ({ option: 'network input', file })), ...speedsFile]);
      const t0 = performance.now();
      const imported = await importNetwork(inputs, { speeds });
      const importS = (performance.now() - t0) / 1000;
      let chS = 0;
      let ch: ReturnType<typeof buildContractionHierarchy> | undefined;
      if (o.ch) {
        const bar = progressBar('contracting', imported.graph.nodeCount);
        const t1 = performance.now();
        ch = buildContractionHierarchy(imported.graph, { onProgress: (d) => bar.update(d) });
        bar.stop();
        chS = (performance.now() - t1) / 1000;
      }
      const bytes = writingFor('--out', () => saveNetworkWithCh(o.out, imported.graph, ch));
      const r = imported.report;
      const summary = { out: o.out, bytes, nodes: r.nodesKept, edges: r.edgesKept, importS, chS, report: r, stats: imported.stats };
      emitJson(o.json, summary);
      if (jsonOnStdout(o.json)) return;
      process.stdout.write(
        [
          `network      ${imported.graph.meta.source}`,
          `kept         ${r.nodesKept} nodes, ${r.edgesKept} directed edges (largest strongly connected component)`,
          `dropped      ${r.nodesDropped} nodes and ${r.edgesDropped} edges in ${r.componentsFound - 1} smaller components; ${r.selfLoopsDropped} self-loops; ${r.parallelEdgesMerged} parallel edges merged`,
          `import       ${importS.toFixed(2)} s`,
          o.ch ? `hierarchy    ${chS.toFixed(2)} s` : 'hierarchy    not stored (--no-ch)',
          `wrote        ${o.out} (${(bytes / 1e6).toFixed(1)} MB)`,
          `attribution  ${imported.graph.meta.attribution}`,
        ].join('\n') + '\n',
      );
    });

  network
    .command('info')
    .description('show what a .baton network file holds')
    .argument('<file>')
    .action((file: string) => {
      const t0 = performance.now();
      const { graph, extras, bytes } = loadNetwork(file);
      const loadS = (performance.now() - t0) / 1000;
      process.stdout.write(
        `${JSON.stringify(
          {
            file,
            bytes,
            loadS,
            nodes: graph.nodeCount,
            edges: graph.edgeCount,
            hierarchy: extras.numbers['ch.nodeCount'] !== undefined,
            speedProfile: extras.speedProfile ?? null,
            meta: graph.meta,
          },
          null,
          2,
        )}\n`,
      );
    });

  program
    .command('route')
    .description('fastest route between two coordinates: time and distance (or JSON / GeoJSON)')
    .argument('<network...>', 'a .baton file, or raw network input as for `network build`')
    .requiredOption('--from <lat,lon>', 'start, e.g. 37.7955,-122.3937')
    .requiredOption('--to <lat,lon>', 'destination')
    .option('--depart <HH:MM>', 'departure time of day (applies the hourly speed factor)', '00:00')
    .option('--snap-cutoff <m>', 'farthest a point may be from a road, metres', '250')
    .option(JSON_FLAGS, jsonHelp('{"timeS":…,"distanceM":…}'))
    .option('--geojson', 'print the route as a GeoJSON FeatureCollection')
    .action(async (inputs: string[], o: { from: string; to: string; depart: string; snapCutoff: string; json?: JsonOption; geojson?: boolean }) => {
      const from = parseLatLon('--from', o.from);
      const to = parseLatLon('--to', o.to);
      const departS = parseClockS('--depart', o.depart);
      const cutoffM = Number(o.snapCutoff);
      if (!(cutoffM > 0)) throw new UsageError(`--snap-cutoff "${o.snapCutoff}": expected metres > 0`);
      const net = await openForCommand(inputs);
      const snapper = new RoadSnapper(net.graph, { cutoffM });
      const a = snapper.snap(from.lat, from.lon);
      const b = snapper.snap(to.lat, to.lon);
      if (!a) throw new UsageError(`--from ${o.from} is off the network (no road within ${cutoffM} m)`);
      if (!b) throw new UsageError(`--to ${o.to} is off the network (no road within ${cutoffM} m)`);
      const path = net.travelTimes.path(a.node, b.node, departS);
      if (!path) throw new UsageError('no route between these points');
      const result = { timeS: Math.round(path.timeS * 10) / 10, distanceM: Math.round(path.distanceM) };
      if (o.geojson) {
        const coords = [[from.lon, from.lat], ...pathCoordinates(net.graph, path.nodes), [to.lon, to.lat]];
        const fc = {
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { ...result, departS }, geometry: { type: 'LineString', coordinates: coords } },
            { type: 'Feature', properties: { role: 'from', snapDistanceM: Math.round(a.distanceM) }, geometry: { type: 'Point', coordinates: [from.lon, from.lat] } },
            { type: 'Feature', properties: { role: 'to', snapDistanceM: Math.round(b.distanceM) }, geometry: { type: 'Point', coordinates: [to.lon, to.lat] } },
          ],
        };
        process.stdout.write(`${JSON.stringify(fc)}\n`);
      } else if (jsonOnStdout(o.json)) {
        emitJson(o.json, result, { pretty: false });
      } else {
        emitJson(o.json, result);
        const min = Math.floor(result.timeS / 60);
        const sec = Math.round(result.timeS - min * 60);
        process.stdout.write(`time      ${min} min ${sec} s (${result.timeS} s)\ndistance  ${(result.distanceM / 1000).toFixed(2)} km\nsnapped   from ${a.distanceM.toFixed(0)} m, to ${b.distanceM.toFixed(0)} m off the road\n`);
      }
    });
}
