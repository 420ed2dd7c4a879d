// A/B benchmark against an earlier commit: the same `baton simulate` runs from this checkout (B) and from a git
// worktree of the base commit (A), alternated so both see the same machine load; medians and the B/A ratio of the
// simulation wall time (the KPI JSON's wallS: loading the network and trips is not timed).
//   npm run bench:ab -- --base 9760652 [--runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, writeResult } from './machine.js';

const REPO = resolve(import.meta.dirname, '..');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const base = arg('base', 'HEAD~1');
const runs = Number(arg('runs', '3'));
const SHARED = resolve(REPO, '../shared/data');
const SF_NET = resolve(SHARED, 'san-francisco');
const SF_TRIPS = resolve(SHARED, 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');
const sf = ['--network', SF_NET, '--trips', SF_TRIPS, '--format', 'sf-cabspotting', '--date', '2008-05-21'];

const cases: { label: string; args: string[] }[] = [
  { label: 'default synthetic day, pooled+rebalance, 200 cars', args: [] },
  ...(existsSync(SF_TRIPS)
    ? [
        { label: 'SF 2008-05-21, greedy, 500 cars', args: [...sf, '--fleet', '500', '--dispatcher', 'greedy'] },
        { label: 'SF 2008-05-21, pooled+rebalance, 700 cars', args: [...sf, '--fleet', '700', '--dispatcher', 'pooled+rebalance'] },
      ]
    : []),
];
if (cases.length === 1) console.log(`SF cases skipped: ${SF_TRIPS} not found`);

const dir = mkdtempSync(join(tmpdir(), 'baton-ab-'));
const baseTree = join(dir, 'base');
const baseSha = execFileSync('git', ['-C', REPO, 'rev-parse', base], { encoding: 'utf8' }).trim();
execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', baseTree, baseSha], { stdio: 'ignore' });
symlinkSync(join(REPO, 'node_modules'), join(baseTree, 'node_modules'));

/** Simulation wall seconds of one run from `tree`, read from the KPI JSON. */
function simWallS(tree: string, args: string[]): number {
  const json = join(dir, 'kpis.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(tree, 'src/cli/main.ts'), 'simulate', ...args, '--json', json], { cwd: tree, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`simulate failed in ${tree}: ${r.stderr}`);
  return JSON.parse(readFileSync(json, 'utf8')).wallS as number;
}

const rows = [];
try {
  for (const c of cases) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(simWallS(baseTree, c.args));
      b.push(simWallS(REPO, c.args));
    }
    const row = { label: c.label, baseMedianS: median(a), headMedianS: median(b), ratio: median(b) / median(a), baseS: a, headS: b };
    rows.push(row);
    console.log(`${c.label.padEnd(48)} base ${row.baseMedianS.toFixed(2)} s  head ${row.headMedianS.toFixed(2)} s  head/base ${row.ratio.toFixed(3)}`);
  }
} finally {
  execFileSync('git', ['-C', REPO, 'worktree', 'remove', '--force', baseTree], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
const head = execFileSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
console.log(`wrote ${writeResult('ab', { base: baseSha, head, runs, rows })}`);
