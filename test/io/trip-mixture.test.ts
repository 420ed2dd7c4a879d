// Valid rows are never lost and invalid ones never slip in: files mixing N generated valid rows with M invalid ones
// (each invalid in exactly one way) load as exactly N trips and M rejects, counted under the reason each was built for.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RIDERS, RejectReason } from '../../src/core/demand/trip.js';
import { loadTrips } from '../../src/io/trips/index.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-mixture-'));
const DAY_START = Date.UTC(2024, 4, 1) / 1000;
const HEADER = 'id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,riders';

interface Row {
  time: string;
  pLat: string;
  pLon: string;
  dLat: string;
  dLon: string;
  riders: string;
}

const coord = (max: number) => fc.double({ min: -max, max, noNaN: true }).map((x) => x.toFixed(5));
const validRow: fc.Arbitrary<Row> = fc
  .record({
    time: fc.integer({ min: 0, max: 86_399 }).chain((s) =>
      fc.constantFrom(String(DAY_START + s), new Date((DAY_START + s) * 1000).toISOString().replace('.000Z', 'Z'), new Date((DAY_START + s) * 1000).toISOString().replace('.000Z', '+00:00')),
    ),
    pLat: coord(80),
    pLon: coord(170),
    dLat: coord(80),
    dLon: coord(170),
    riders: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: MAX_RIDERS }).map(String)),
  })
  // 0,0 is no place; the same point twice is not a trip (same_pickup_dropoff, a reason of its own).
  .filter((r) => !(Number(r.pLat) === 0 && Number(r.pLon) === 0) && !(Number(r.dLat) === 0 && Number(r.dLon) === 0) && !(Number(r.pLat) === Number(r.dLat) && Number(r.pLon) === Number(r.dLon)));

/** An invalid row: a valid one with one field broken, and the reason it must be rejected under. */
const invalidRow: fc.Arbitrary<{ row: Row; reason: RejectReason }> = validRow.chain((row) =>
  fc.oneof(
    fc
      .constantFrom('', 'abc', '2024-05-01T08:00:00', '2024-13-01T00:00:00Z', '2024-02-30T08:00:00Z', '99999999999999999999', '0x10', '1e9', 'NaN', '--5')
      .map((time) => ({ row: { ...row, time }, reason: RejectReason.unparseable })),
    fc
      .record({ key: fc.constantFrom('pLat', 'pLon', 'dLat', 'dLon'), text: fc.constantFrom('', 'x', '0x1F', 'Infinity', '-Infinity', '1,5', '12abc', '.') })
      // '1,5' would split the row; quote-free variants only:
      .filter(({ text }) => !text.includes(','))
      .map(({ key, text }) => ({ row: { ...row, [key]: text }, reason: RejectReason.unparseable })),
    fc
      .oneof(
        fc.record({ key: fc.constantFrom('pLat', 'dLat'), v: fc.oneof(fc.double({ min: 90.001, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: -90.001, noNaN: true })) }),
        fc.record({ key: fc.constantFrom('pLon', 'dLon'), v: fc.oneof(fc.double({ min: 180.001, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: -180.001, noNaN: true })) }),
      )
      .map(({ key, v }) => ({ row: { ...row, [key]: v.toFixed(4) }, reason: RejectReason.badCoordinates })),
    fc.constant({ row: { ...row, pLat: '0', pLon: '0' }, reason: RejectReason.badCoordinates }),
    fc
      .oneof(fc.constantFrom('0', '-1', '1.5', 'two', '1e1', ' 3x', '+2', '000'), fc.integer({ min: MAX_RIDERS + 1, max: 999 }).map(String))
      .map((riders) => ({ row: { ...row, riders }, reason: RejectReason.badRiders })),
  ),
);

const line = (id: string, r: Row) => [id, r.time, r.pLat, r.pLon, r.dLat, r.dLon, r.riders].join(',');

describe('a file of N valid and M invalid rows', () => {
  it('loads exactly N trips and M rejects, each under its reason (baton format)', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { maxLength: 40 }), fc.array(invalidRow, { maxLength: 40 }), fc.infiniteStream(fc.boolean()), async (valid, invalid, coin) => {
        // Interleave the two kinds at random, keeping each kind's order.
        const lines: string[] = [];
        let i = 0;
        let j = 0;
        const it = coin[Symbol.iterator]();
        while (i < valid.length || j < invalid.length) {
          const takeValid = j >= invalid.length || (i < valid.length && it.next().value);
          lines.push(takeValid ? line(`v${i}`, valid[i++]) : line(`x${j}`, invalid[j++].row));
        }
        if (lines.length === 0) return;
        const path = join(dir, `mix-${file++}.csv`);
        writeFileSync(path, `${HEADER}\n${lines.join('\n')}\n`);
        const r = await loadTrips(path, { format: 'baton' });
        expect(r.read).toBe(valid.length + invalid.length);
        expect(r.trips.map((t) => t.id).sort()).toEqual(valid.map((_, k) => `v${k}`).sort());
        const expected: Record<string, number> = Object.fromEntries(Object.values(RejectReason).map((x) => [x, 0]));
        for (const x of invalid) expected[x.reason]++;
        expect(r.rejected).toEqual(expected);
        // Kept rows are kept as written: riders as given (an empty cell is the documented default, 1).
        const byId = new Map(r.trips.map((t) => [t.id, t]));
        valid.forEach((v, k) => expect(byId.get(`v${k}`)?.riders).toBe(v.riders === '' ? 1 : Number(v.riders)));
      }),
      { numRuns: 60 },
    );
  });

  it('rideaustin: a request after its pickup is times_out_of_order, a drop-off before it non_positive_duration', async () => {
    const head = 'ride_id,request_local,request_unix,pickup_unix,pickup_lat,pickup_lon,dropoff_unix,dropoff_lat,dropoff_lon';
    const t0 = 1_489_590_000;
    const rows = [
      `a,2017-03-15T10:00:00-05:00,${t0},${t0 + 300},30.27,-97.74,${t0 + 900},30.28,-97.73`,
      `b,2017-03-15T10:00:00-05:00,${t0 + 400},${t0 + 300},30.27,-97.74,${t0 + 900},30.28,-97.73`,
      `c,2017-03-15T10:00:00-05:00,${t0},${t0 + 300},30.27,-97.74,${t0 + 200},30.28,-97.73`,
    ];
    const path = join(dir, 'austin.csv');
    writeFileSync(path, `${head}\n${rows.join('\n')}\n`);
    const r = await loadTrips(path, { format: 'rideaustin' });
    expect(r.trips.map((t) => t.id)).toEqual(['a']);
    expect(r.rejected.times_out_of_order).toBe(1);
    expect(r.rejected.non_positive_duration).toBe(1);
  });
});

describe('the CLI summary', () => {
  it('lists every reason rows were rejected under, with read = used + rejected', async () => {
    const { openNetwork } = await import('../../src/io/network-source.js');
    const { writeOneDayTripFile } = await import('../one-day-file.js');
    const { runCli } = await import('../cli/run-cli.js');
    const { appendFileSync } = await import('node:fs');
    const path = join(dir, 'cli.csv');
    const rows = writeOneDayTripFile(path, (await openNetwork(['synthetic:nodes=400'])).graph, 200, 3);
    appendFileSync(path, [`bad1,${DAY_START + 100},47.0,8.0,47.01,8.01,0`, `bad2,${DAY_START + 100},95,8.0,47.01,8.01,1`, `bad3,yesterday,47.0,8.0,47.01,8.01,1`].join('\n') + '\n');
    const r = runCli(['simulate', '--network', 'synthetic:nodes=400', '--trips', path, '--format', 'baton', '--fleet', '10', '--dispatcher', 'greedy']);
    expect(r.status).toBe(0);
    const m = /trip rows\s+(\d+) read, (\d+) used, (\d+) rejected/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(rows + 3);
    expect(Number(m![2]) + Number(m![3])).toBe(rows + 3);
    for (const reason of ['bad_riders', 'bad_coordinates', 'unparseable']) expect(r.stdout).toMatch(new RegExp(`^\\s+${reason}\\s+1$`, 'm'));
  });
});
