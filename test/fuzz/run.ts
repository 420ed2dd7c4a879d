// `npm run fuzz`: the full fuzz suite; prints the inputs tried per target and in all, and exits 1 on any failure.
import { fuzzInputs } from './fuzz-inputs.js';

const runs = Number(process.env.FUZZ_RUNS ?? 6000);
const t0 = performance.now();
const r = await fuzzInputs(runs, Number(process.env.FUZZ_SEED ?? 1));
for (const [target, n] of Object.entries(r.counts)) process.stdout.write(`${target.padEnd(22)} ${n}\n`);
process.stdout.write(`fuzz: ${r.total} generated bad inputs, ${r.failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
for (const f of r.failures) process.stdout.write(`${f}\n`);
process.exit(r.failures.length > 0 ? 1 : 0);
