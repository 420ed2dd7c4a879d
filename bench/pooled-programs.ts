// Records every 0/1 program `pooled` hands its solver during one scenario run (SF tight-fleet day by default), so that
// solver chains can be compared offline on the same programs (bench/pooled-solvers.ts).
//   node --import tsx bench/pooled-programs.ts OUT.json --network N.baton --trips T --format F --date D --fleet 320
import { PooledPlanner } from '../src/core/dispatch/pooled.js';
import type { BinaryProgram, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { HighsBinarySolver } from '../src/io/highs-ilp.js';
import { openScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import { writeRecordedPrograms } from './recorded-programs.js';

const [out, ...rest] = process.argv.slice(2);
const arg = (name: string, dflt?: string): string => {
  const i = rest.indexOf(`--${name}`);
  if (i < 0) {
    if (dflt === undefined) throw new Error(`--${name} is required`);
    return dflt;
  }
  return rest[i + 1];
};
const programs: BinaryProgram[] = [];
let highsCalls = 0;
const highsSolve = HighsBinarySolver.prototype.solve;
HighsBinarySolver.prototype.solve = function (p, start) {
  highsCalls++;
  return highsSolve.call(this, p, start);
};
// Wrap each planner's solver once, at its first program (built just before the batch goes to the solver).
type Exposed = { options: { solver: BinaryProgramSolver }; tripProgram: (...a: unknown[]) => unknown; wrapped?: boolean };
const proto = PooledPlanner.prototype as unknown as Exposed;
const tripProgram = proto.tripProgram;
proto.tripProgram = function (this: Exposed, ...a: unknown[]) {
  if (!this.wrapped) {
    const inner = this.options.solver;
    this.options.solver = { solve: (p, start) => (programs.push(p), inner.solve(p, start)) };
    this.wrapped = true;
  }
  return tripProgram.apply(this, a);
};
const settings = parseSimSettings({ network: [arg('network')], trips: arg('trips'), format: arg('format'), date: arg('date'), seed: 1 });
const runner = await openScenarioRunner(settings);
const t0 = process.cpuUsage();
const outcome = await runner.run(Number(arg('fleet', '320')), arg('dispatcher', 'pooled+rebalance') as never, { keepLog: false });
const cpu = process.cpuUsage(t0);
const k = outcome.result.summary.kpis;
process.stderr.write(`programs ${programs.length}, HiGHS calls ${highsCalls}, run CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, within 5 min ${k.within5MinPct}\n`);
writeRecordedPrograms(out, programs);
