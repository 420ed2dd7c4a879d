// A/B benchmark of CH point queries against an earlier commit, side by side in one process: the 300k-node synthetic
// metro and its hierarchy are built once (the hierarchy format is the same on both sides), then the base commit's
// ChTravelTimes (A, loaded from a git worktree of it) and this checkout's (B) answer the same seeded random pairs in
// alternated rounds, each round on a fresh engine (no cached searches carried over), so both see the same machine
// load. Reports the median and best queries/s by CPU time and by wall time, the one-off core-table time of each
// side, and checks that both give the same answer on every pair.
//   npm run bench:routing-ab -- --base 08f8595 [--rounds 10] [--pairs 20000] [--network sf]
// (--network sf: San Francisco from /work/shared/data instead of the metro; results go to routing-ab-sf-<date>.json.
// --head-only: B alone, no A rounds in between (what one engine does without another one's arrays in the caches);
// results go to routing-head-<date>.json.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { buildSyntheticCity, syntheticCityOfNodes } from '../src/core/network/synthetic.js';
import { importCsvNetwork } from '../src/io/csv-network.js';
import { buildContractionHierarchy, ChTravelTimes } from '../src/core/network/ch.js';
import type { RoadGraph } from '../src/core/network/graph.js';
import type { ContractionHierarchy } from '../src/core/network/ch-hierarchy.js';
import { Rng } from '../src/core/random.js';
import { median, peakRssMb, writeResult } from './machine.js';

const REPO = resolve(import.meta.dirname, '..');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const base = arg('base', 'HEAD~1');
const rounds = Number(arg('rounds', '10'));
const pairs = Number(arg('pairs', '20000'));
const METRO_NODES = Number(process.env.METRO_NODES ?? 300_000);
const SF = resolve(REPO, '../shared/data/san-francisco');
const useSf = arg('network', 'metro') === 'sf';
const headOnly = process.argv.includes('--head-only');
if (useSf && !existsSync(resolve(SF, 'sf_road_nodes.csv.gz'))) {
  console.log(`--network sf: ${SF} not found; nothing to measure`);
  process.exit(0);
}

type Engine = { timeS(from: number, to: number): number };
type EngineClass = new (graph: RoadGraph, ch: ContractionHierarchy) => Engine;

const dir = mkdtempSync(join(tmpdir(), 'baton-routing-ab-'));
const baseTree = join(dir, 'base');
const baseSha = execFileSync('git', ['-C', REPO, 'rev-parse', base], { encoding: 'utf8' }).trim();
execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', baseTree, baseSha], { stdio: 'ignore' });
symlinkSync(join(REPO, 'node_modules'), join(baseTree, 'node_modules'));
try {
  const A = (await import(join(baseTree, 'src/core/network/ch.ts'))).ChTravelTimes as EngineClass;
  const B = ChTravelTimes as unknown as EngineClass;
  const { graph } = useSf
    ? await importCsvNetwork(resolve(SF, 'sf_road_nodes.csv.gz'), resolve(SF, 'sf_road_edges.csv.gz'))
    : buildSyntheticCity(syntheticCityOfNodes(METRO_NODES, 1));
  let t = performance.now();
  const ch = buildContractionHierarchy(graph);
  const preprocessS = (performance.now() - t) / 1000;
  console.log(`${useSf ? 'san-francisco' : 'metro'} ${graph.nodeCount} nodes, hierarchy in ${preprocessS.toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`);
  const n = graph.nodeCount;
  const rng = new Rng(1);
  const from = new Uint32Array(pairs * rounds);
  const to = new Uint32Array(pairs * rounds);
  for (let i = 0; i < from.length; i++) {
    from[i] = rng.int(n);
    to[i] = rng.int(n);
  }
  // One-off per process: each side's core table (and B's point layout), then a warm-up on other pairs.
  const oneOff: Record<string, { wallS: number; cpuS: number }> = {};
  for (const [name, E] of headOnly ? ([['B', B]] as const) : ([['A', A], ['B', B]] as const)) {
    const c0 = process.cpuUsage();
    t = performance.now();
    const e = new E(graph, ch);
    e.timeS(0, n - 1);
    const cpu = process.cpuUsage(c0);
    oneOff[name] = { wallS: (performance.now() - t) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
    for (let i = 0; i < 2000; i++) e.timeS(rng.int(n), rng.int(n));
    console.log(`${name}: core table ${oneOff[name].cpuS.toFixed(1)} s CPU, ${oneOff[name].wallS.toFixed(1)} s wall`);
  }
  const perS: Record<'A' | 'B', { cpu: number[]; wall: number[] }> = { A: { cpu: [], wall: [] }, B: { cpu: [], wall: [] } };
  const loads: number[] = [];
  let mismatches = 0;
  for (let r = 0; r < rounds; r++) {
    const answers: Record<string, Float64Array> = {};
    const sides = headOnly ? (['B'] as const) : r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    for (const name of sides) {
      const e = new (name === 'A' ? A : B)(graph, ch);
      const out = new Float64Array(pairs);
      const c0 = process.cpuUsage();
      t = performance.now();
      for (let i = 0; i < pairs; i++) out[i] = e.timeS(from[r * pairs + i], to[r * pairs + i]);
      const wallS = (performance.now() - t) / 1000;
      const cpu = process.cpuUsage(c0);
      perS[name].cpu.push(pairs / ((cpu.user + cpu.system) / 1e6));
      perS[name].wall.push(pairs / wallS);
      answers[name] = out;
    }
    if (!headOnly) for (let i = 0; i < pairs; i++) if (answers.A[i] !== answers.B[i]) mismatches++;
    loads.push(loadavg()[0]);
    const side = (name: 'A' | 'B') => `${name} ${Math.round(perS[name].cpu[r])} q/s CPU (${Math.round(perS[name].wall[r])} wall)`;
    console.log(`round ${r + 1}/${rounds}: ${headOnly ? '' : `${side('A')}, `}${side('B')}, load ${loads[r].toFixed(1)}`);
  }
  const sum = (xs: number[]) => ({ median: Math.round(median(xs)), best: Math.round(Math.max(...xs)) });
  const result = {
    base: baseSha,
    network: useSf ? 'san-francisco' : `synthetic-${METRO_NODES}`,
    nodes: n,
    pairsPerRound: pairs,
    rounds,
    preprocessS,
    coreTable: oneOff,
    A: headOnly ? null : { cpuQueriesPerS: sum(perS.A.cpu), wallQueriesPerS: sum(perS.A.wall) },
    B: { cpuQueriesPerS: sum(perS.B.cpu), wallQueriesPerS: sum(perS.B.wall) },
    ratioCpuMedian: headOnly ? null : median(perS.B.cpu) / median(perS.A.cpu),
    mismatches,
    loadAverage: { min: Math.min(...loads), median: median(loads), max: Math.max(...loads) },
    peakRssMb: peakRssMb(),
  };
  console.log(JSON.stringify(result, null, 2));
  if (mismatches > 0) throw new Error(`A and B differ on ${mismatches} pairs`);
  console.log(`wrote ${writeResult(`${headOnly ? 'routing-head' : 'routing-ab'}${useSf ? '-sf' : ''}`, result)}`);
} finally {
  execFileSync('git', ['-C', REPO, 'worktree', 'remove', '--force', baseTree], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
