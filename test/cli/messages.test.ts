// Messages for people: every file problem a user meets through the real CLI names the user's file (and the option),
// says what is wrong in plain words and what to do, and shows no stack trace. Permission checks run as a user without
// root's rights (nobody, through setpriv, when the tests run as root).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, unprivilegedRunner, type CliResult } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-messages-'));
chmodSync(dir, 0o755); // nobody must reach the files inside
const TRIPS = join(dir, 'trips.csv');
writeFileSync(TRIPS, 'id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,riders\na,2024-05-01T08:00:00Z,47.0,8.0,47.01,8.01,1\n');
chmodSync(TRIPS, 0o644);
const FAST = ['--requests', '300', '--fleet', '10', '--dispatcher', 'greedy'];

/** A user error: exit 1, a `baton: …` line (after any progress lines), no stack trace and no hint about debugging. */
function expectUserError(r: CliResult, message: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^baton: /m);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at |BATON_DEBUG|--debug|tmp-\d+/);
}

const runner = unprivilegedRunner();
if (!runner) console.warn('messages.test: skipping the permission cases: running as root and setpriv is not installed, so no user without root rights can be used');
const asUser = runner ? it : it.skip;

describe('file problems, as a user meets them', () => {
  asUser('a trip file the user may not read', () => {
    const secret = join(dir, 'secret.csv');
    writeFileSync(secret, readFileSync(TRIPS));
    chmodSync(secret, 0o600);
    expectUserError(runCli(['simulate', '--trips', secret, '--format', 'baton'], { unprivileged: true }), new RegExp(`^baton: ${secret}: permission denied: this user may not read it`));
  });

  asUser('a .baton network the user may not read', () => {
    const net = join(dir, 'secret.baton');
    expect(runCli(['network', 'build', 'synthetic:nodes=100', '-o', net]).status).toBe(0);
    chmodSync(net, 0o600);
    expectUserError(runCli(['network', 'info', net], { unprivileged: true }), new RegExp(`${net}: permission denied`));
  });

  asUser('outputs in a folder the user may not write: --json, --events, network build -o', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const json = runCli(['simulate', ...FAST, '--json', join(locked, 'k.json')], { unprivileged: true });
    expectUserError(json, new RegExp(`^baton: --json ${locked}/k\\.json: permission denied: this user may not create files in the folder ${locked}`));
    // Refused before any work: no scenario line.
    expect(json.stderr).not.toMatch(/scenario:/);
    const readOnly = join(dir, 'readonly.ndjson');
    writeFileSync(readOnly, '');
    chmodSync(readOnly, 0o444);
    expectUserError(runCli(['simulate', ...FAST, '--events', readOnly], { unprivileged: true }), new RegExp(`--events ${readOnly}: permission denied: this user may not write it`));
    const build = runCli(['network', 'build', 'synthetic:nodes=100', '-o', join(locked, 'n.baton')], { unprivileged: true });
    expectUserError(build, new RegExp(`--out ${locked}/n\\.baton: permission denied`));
  });

  asUser('a store folder (--data-dir) the user may not create', () => {
    const locked = join(dir, 'locked-store');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const r = runCli(['token', 'create', '--role', 'operator', '--subject', 'ops', '--data-dir', join(locked, 'data')], { unprivileged: true });
    expectUserError(r, new RegExp(`^baton: --data-dir ${locked}/data: permission denied: this user may not create files in ${locked}`));
  });

  it('a folder where a file is expected', () => {
    expectUserError(runCli(['network', 'build', 'synthetic:nodes=100', '--speeds', dir, '-o', join(dir, 'n.baton')]), new RegExp(`--speeds ${dir}: is a folder; give a file`));
    expectUserError(runCli(['simulate', '--trips', dir, '--format', 'baton']), new RegExp(`${dir}: is a folder, not a regular file; give a file`));
    expectUserError(runCli(['simulate', ...FAST, '--report', dir]), new RegExp(`--report ${dir}: is a folder; give a file path inside it`));
  });

  it('a file where a folder is expected', () => {
    expectUserError(runCli(['token', 'create', '--role', 'operator', '--subject', 'ops', '--data-dir', TRIPS]), new RegExp(`--data-dir ${TRIPS}: is a file, not a folder`));
    expectUserError(runCli(['simulate', ...FAST, '--json', join(TRIPS, 'k.json')]), /--json .*trips\.csv\/k\.json: a part of the path is a file, not a folder/);
  });

  it('an output whose folder does not exist', () => {
    const out = join(dir, 'no', 'such', 'k.json');
    expectUserError(runCli(['compare', ...FAST.slice(0, 4), '--json', out]), new RegExp(`--json ${out}: the folder ${join(dir, 'no', 'such')} does not exist: create it first \\(mkdir -p`));
  });

  it('an output that is one of the inputs, or another output', () => {
    const r = runCli(['simulate', '--trips', TRIPS, '--format', 'baton', '--json', TRIPS]);
    expectUserError(r, new RegExp(`--json ${TRIPS}: is also an input \\(--trips\\); writing it would destroy that input`));
    expect(readFileSync(TRIPS, 'utf8')).toMatch(/^id,request_time/); // untouched
    expectUserError(runCli(['simulate', ...FAST, '--json', join(dir, 'x.json'), '--report', join(dir, 'x.json')]), /--report .*x\.json: is also the output of --json/);
  });

  it('a full disk (/dev/full) for --json, --events and network build -o: the user file named, no temporary file', () => {
    if (!existsSync('/dev/full')) {
      console.warn('messages.test: skipping the disk-full case: no /dev/full on this system');
      return;
    }
    expectUserError(runCli(['simulate', ...FAST, '--json', '/dev/full']), /^baton: --json \/dev\/full: the disk is full \(no space left on the device\): free some space or choose another disk/m);
    expectUserError(runCli(['simulate', ...FAST, '--events', '/dev/full']), /--events \/dev\/full: the disk is full/);
    expectUserError(runCli(['network', 'build', 'synthetic:nodes=100', '-o', '/dev/full']), /--out \/dev\/full: the disk is full/);
  });

  it('user errors carry no stack trace; --debug (anywhere on the line) and BATON_DEBUG=1 add it', () => {
    const missing = join(dir, 'none.csv');
    expectUserError(runCli(['simulate', '--trips', missing, '--format', 'baton']), new RegExp(`${missing}: file not found`));
    const debug = runCli(['simulate', '--trips', missing, '--format', 'baton', '--debug']);
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^baton: .*none\.csv: file not found\n\w*Error: .*\n\s+at /);
    expect(runCli(['simulate', '--trips', missing, '--format', 'baton'], { env: { BATON_DEBUG: '1' } }).stderr).toMatch(/\n\s+at /);
  });
});
