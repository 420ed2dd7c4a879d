// Fuzzing as a suite: fast-check generators of hostile inputs for the trip readers (malformed rows in every format),
// gzip (truncated, corrupted), `.baton` network files (truncated, corrupted), OSM PBF (generated networks of any
// shape, then cut and corrupted), the GeoJSON and CSV inputs (service area, charging sites, avoid list), the settings
// behind every scenario command's options, and the command lines of those commands parsed by the real `baton` program.
// The one property everywhere: each input ends in a result or in an expected error (InputFileError naming the file;
// SettingsError, UsageError, OutputFileError or a commander parse error naming the option) within 10 s; anything
// else (another error type, a message naming neither, a hang) is a failure.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { loadNetwork, saveNetwork } from '../../src/io/network-file.js';
import { parseFleetSizeSettings, SettingsError } from '../../src/io/settings.js';
import { loadTrips, TRIP_FORMATS } from '../../src/io/trips/index.js';
import { InputFileError } from '../../src/io/file-input.js';
import { fuzzCommandLines, fuzzOsmPbf, fuzzPlaceFiles } from './fuzz-more.js';

const HANG_MS = 10_000;

/** Counts per target: inputs tried and failures (with the first few described). */
export interface FuzzReport {
  counts: Record<string, number>;
  total: number;
  failures: string[];
}

const HEADERS: Record<string, string> = {
  baton: 'id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,riders',
  'sf-cabspotting': 'trip_id,cab_id,pickup_unix,pickup_local,pickup_lat,pickup_lon,dropoff_unix,dropoff_lat,dropoff_lon,duration_s',
  rideaustin: 'ride_id,request_local,request_unix,pickup_unix,pickup_lat,pickup_lon,dropoff_unix,dropoff_lat,dropoff_lon',
  'nyc-tlc': 'VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,pickup_longitude,pickup_latitude,dropoff_longitude,dropoff_latitude',
};
const GOOD_ROWS: Record<string, string> = {
  baton: 'a,2024-05-01T08:00:00Z,47.0,8.0,47.01,8.01,1',
  'sf-cabspotting': '1,abc,1211094010,2008-05-18T00:00:10-07:00,37.75,-122.39,1211094610,37.78,-122.41,600',
  rideaustin: 'r1,2017-03-15T10:00:00-05:00,1489590000,1489590300,30.27,-97.74,1489590900,30.28,-97.73',
  'nyc-tlc': '2,2015-01-15 08:10:00,2015-01-15 08:25:00,1,-73.99,40.75,-73.97,40.76',
};

/** A field value a hostile or careless source might hold. */
export const field = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '"', '""', '"a,b"', 'NaN', 'Infinity', '-0', '1e308', '-1e308', '0x1F', '９', '\u0000', ' 1 ', '2024-02-30T00:00:00Z', '99999999999999999999'),
  fc.double().map(String),
  fc.integer().map(String),
);
/** A row: random fields, or a good row with some fields replaced, cut short or padded. */
const row = (format: string) =>
  fc.oneof(
    fc.array(field, { maxLength: 14 }).map((f) => f.join(',')),
    fc.record({ i: fc.nat(12), v: field, cut: fc.nat(14) }).map(({ i, v, cut }) => {
      const f = GOOD_ROWS[format].split(',');
      f[i % f.length] = v;
      return f.slice(0, Math.max(1, cut)).join(',');
    }),
    fc.constant(GOOD_ROWS[format]),
    fc.string({ maxLength: 60 }),
  );

async function withinTime<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`HANG: over ${HANG_MS / 1000} s`)), HANG_MS)));
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Expected outcome of reading a file: a result, or an InputFileError whose message names the file. */
async function fileOutcome(path: string, read: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await withinTime(Promise.resolve().then(read));
    return undefined;
  } catch (err) {
    const e = err as Error;
    if (e?.message?.startsWith('HANG')) return `${path}: ${e.message}`;
    if (!(e instanceof InputFileError)) return `${path}: ${e?.name}: ${e?.message} (not an InputFileError)\n${e?.stack}`;
    if (!e.message.startsWith(`${path}: `)) return `${path}: ${e.name}: ${e.message} (does not name the file first)`;
    return undefined;
  }
}

/**
 * Runs every target with `runs` inputs each (the trip readers with `runs` per format) and returns the counts.
 *
 * @example const r = await fuzzInputs(100); r.failures.length === 0
 */
export async function fuzzInputs(runs: number, seed = 1): Promise<FuzzReport> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
  const counts: Record<string, number> = {};
  const failures: string[] = [];
  const note = (target: string, failure: string | undefined) => {
    counts[target] = (counts[target] ?? 0) + 1;
    if (failure && failures.length < 20) failures.push(`[${target}] ${failure}`);
  };
  const params = { numRuns: runs, seed, endOnFailure: false } as const;
  let n = 0;

  // Trip readers: malformed rows (plain and gzip) in every format. A load that succeeds must count every row.
  for (const format of Object.keys(TRIP_FORMATS)) {
    await fc.assert(
      fc.asyncProperty(fc.array(row(format), { maxLength: 30 }), fc.boolean(), async (rows, gz) => {
        const path = join(dir, `t${n++}.csv${gz ? '.gz' : ''}`);
        const text = `${HEADERS[format]}\n${rows.join('\n')}\n`;
        writeFileSync(path, gz ? gzipSync(text) : text);
        let miscount: string | undefined;
        const failure = await fileOutcome(path, async () => {
          const r = await loadTrips(path, { format });
          const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0);
          if (r.read !== r.trips.length + rejected) miscount = `${path}: read ${r.read} ≠ ${r.trips.length} kept + ${rejected} rejected`;
        });
        note(`trips:${format}`, failure ?? miscount);
      }),
      params,
    );
  }

  // Gzip: a valid trip file compressed, then truncated or with bytes overwritten.
  const good = gzipSync(`${HEADERS.baton}\n${Array.from({ length: 200 }, (_, i) => GOOD_ROWS.baton.replace(/^a/, `r${i}`)).join('\n')}\n`);
  await fc.assert(
    fc.asyncProperty(fc.nat(good.length), fc.array(fc.record({ at: fc.nat(good.length - 1), byte: fc.nat(255) }), { maxLength: 8 }), async (cut, flips) => {
      const bytes = Buffer.from(good.subarray(0, Math.max(2, cut)));
      for (const { at, byte } of flips) if (at < bytes.length) bytes[at] = byte;
      const path = join(dir, `g${n++}.csv.gz`);
      writeFileSync(path, bytes);
      note('gzip', await fileOutcome(path, () => loadTrips(path, { format: 'baton' })));
    }),
    params,
  );

  // .baton network files: truncated, or bytes overwritten anywhere (magic, header JSON, arrays).
  const netPath = join(dir, 'net.baton');
  saveNetwork(netPath, buildSyntheticCity({ seed: 2, widthM: 800, heightM: 800, blockM: 200 }).graph);
  const net = readFileSync(netPath);
  await fc.assert(
    fc.asyncProperty(fc.nat(net.length), fc.array(fc.record({ at: fc.nat(net.length - 1), byte: fc.nat(255) }), { maxLength: 8 }), async (cut, flips) => {
      const bytes = Buffer.from(net.subarray(0, Math.max(1, cut)));
      for (const { at, byte } of flips) if (at < bytes.length) bytes[at] = byte;
      const path = join(dir, `n${n++}.baton`);
      writeFileSync(path, bytes);
      note('baton-file', await fileOutcome(path, () => loadNetwork(path)));
    }),
    params,
  );

  // Settings behind every option of simulate/compare/fleet-size: extreme and malformed values. Each parse ends in
  // settings or a SettingsError naming an option.
  const keys = ['fleet', 'requests', 'share', 'seed', 'snapCutoffM', 'seats', 'maxWaitS', 'targetPct', 'withinS', 'min', 'max', 'tolerance', 'workers', 'bbox', 'window', 'date', 'dispatcher', 'dispatchers', 'format'];
  const value = fc.oneof(
    field,
    fc.constantFrom('0', '-1', '1e309', '9007199254740993', '10000001', '1.5', '100', '0.95', '95', '-122.5,37.7,-122.3,37.8', '25:00-26:00', '07:00-06:00', '2024-13-01', 'greedy,magic', ''),
    fc.double(),
    fc.integer(),
  );
  await fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), (input) => {
      try {
        parseFleetSizeSettings(input);
        note('settings', undefined);
      } catch (err) {
        const e = err as Error;
        const named = e instanceof SettingsError && (/--[a-z]/.test(e.message) || /unknown setting/.test(e.message));
        note('settings', named ? undefined : `${JSON.stringify(input)} → ${e?.name}: ${e?.message}`);
      }
    }),
    { ...params, numRuns: runs * 20 },
  );

  const ctx = { dir, note, params, fileOutcome, field, next: () => n++ };
  await fuzzOsmPbf(ctx, runs);
  await fuzzPlaceFiles(ctx, runs);
  await fuzzCommandLines(ctx, runs * 2);

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, total, failures };
}
