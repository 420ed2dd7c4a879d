// `baton fleet-size` refuses bad charging inputs as a user's mistake (the message alone, naming the file or option),
// not as "an unexpected error": file sites are checked in the main thread before any worker starts, and a mistake met
// in a worker (automatic sites and a battery too small) crosses the thread as its own kind of error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-fleet-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CITY = ['fleet-size', '--requests', '50', '--no-bound', '--workers', '1'];

describe('baton fleet-size with bad charging inputs', () => {
  it('names a charging site off the network before the search starts', () => {
    const far = join(dir, 'far.csv');
    writeFileSync(far, 'lon,lat,plugs\n10,10,4\n');
    const r = runCli([...CITY, '--chargers', far]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`baton: ${far}: row 2 at 10,10 is off the road network (no road within 250 m)`);
    expect(r.stderr).not.toMatch(/unexpected error|cars: /);
  });

  it('names a battery too small for the longest trip, met on a worker thread, as a user mistake', () => {
    const r = runCli([...CITY, '--chargers', 'auto', '--battery', '0.5', '--reserve', '0.1']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/baton: --battery 0\.5 kWh is too small: \d+ trips? cannot be served even on a full battery, the longest "syn-\d+"/);
    expect(r.stderr).not.toMatch(/unexpected error|cars: /);
  });
});
