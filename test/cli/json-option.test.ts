// `--json [file]` means one thing in every command: the result as JSON into the file (text still printed), or on
// stdout in place of the text when no file is given. Run through the real CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-json-option-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIM = ['simulate', '--requests', '300', '--fleet', '20', '--dispatcher', 'greedy'];
const COMMANDS = [['simulate'], ['compare'], ['fleet-size'], ['emulate'], ['calibrate'], ['network', 'build'], ['route'], ['bench', 'routing'], ['token', 'create']];

describe('--json [file]', () => {
  it('is spelled and explained the same in every command that has it', () => {
    for (const c of COMMANDS) {
      const help = runCli([...c, '--help']).stdout.replace(/\s+/g, ' ');
      expect(help, c.join(' ')).toMatch(/--json \[file\] .* as JSON: into the file, or on stdout in place of the text when no file is given/);
    }
  }, 300_000);

  it('simulate: a file gets the KPI JSON and the text is printed; without a file stdout is the JSON alone', () => {
    const file = join(dir, 'k.json');
    const toFile = runCli([...SIM, '--json', file]);
    expect(toFile.status, toFile.stderr).toBe(0);
    expect(toFile.stdout).toMatch(/within 5 min/);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    const toStdout = runCli([...SIM, '--json']);
    expect(toStdout.status, toStdout.stderr).toBe(0);
    const printed = JSON.parse(toStdout.stdout);
    expect(printed.requests).toBe(written.requests);
    expect(printed.within5MinPct).toBe(written.within5MinPct);
  }, 300_000);

  it('network build: without a file the report is printed as JSON; with one it is written and the text printed', () => {
    const out = join(dir, 'city.baton');
    const printed = runCli(['network', 'build', 'synthetic', '-o', out, '--json']);
    expect(printed.status, printed.stderr).toBe(0);
    const report = JSON.parse(printed.stdout);
    const file = join(dir, 'build.json');
    const written = runCli(['network', 'build', 'synthetic', '-o', out, '--json', file]);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/^network /m);
    expect(JSON.parse(readFileSync(file, 'utf8')).nodes).toBe(report.nodes);
  }, 300_000);

  it('refuses a --json file that is also an input, before any work', () => {
    const out = join(dir, 'same.baton');
    const r = runCli(['network', 'build', 'synthetic', '-o', out, '--json', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^baton: --json .*same\.baton/m);
  }, 120_000);
});
