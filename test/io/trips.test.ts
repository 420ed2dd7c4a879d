// Trip import: real SF and Austin files (when the shared data is present), hand-made NYC TLC and Baton fixtures,
// reject counting per reason with a fake snapper, and the errors users see.
import { existsSync } from 'node:fs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RejectReason } from '../../src/core/demand/trip.js';
import type { Snapper, SnapResult } from '../../src/core/network/snap-types.js';
import { loadTripDays, loadTrips, parseTimeWindow, readTrips, type LoadedTrips } from '../../src/io/trips/index.js';
import { parseLocalTime, ZoneOffsets } from '../../src/io/trips/time-parse.js';

const repo = join(import.meta.dirname, '../..');
const SF = join(repo, '../shared/data/san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');
const AUSTIN = join(repo, '../shared/data/austin/austin_rideaustin_trips_2017-03-15.csv.gz');
const NYC = join(repo, 'test/fixtures/nyc-tlc');
const BATON = join(repo, 'test/fixtures/trips/baton-sample.csv');

const utcS = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const sumRejected = (r: LoadedTrips) => Object.values(r.rejected).reduce((a, b) => a + b, 0);
const nonZero = (r: LoadedTrips) => Object.fromEntries(Object.entries(r.rejected).filter(([, n]) => n > 0));

function skipNote(path: string): string {
  return `shared data not found at ${path}: test skipped (mount /work/shared to run it)`;
}

/**
 * A fake snapper on a 0.001° grid: the node is the cell index; points in the `off` box (lat/lon ranges) are off-network.
 */
function gridSnapper(off: { minLat: number; maxLat: number; minLon: number; maxLon: number }): Snapper {
  return {
    cutoffM: 100,
    snap(lat: number, lon: number): SnapResult | null {
      if (lat >= off.minLat && lat <= off.maxLat && lon >= off.minLon && lon <= off.maxLon) return null;
      const node = Math.round(lat * 1000) * 1_000_000 + Math.round(lon * 1000) + 500_000;
      return { node, edge: 0, fraction: 0, distanceM: 1, lat, lon };
    },
  };
}

describe.skipIf(!existsSync(SF))('sf-cabspotting (real file)', () => {
  if (!existsSync(SF)) console.warn(skipNote(SF));

  it('keeps the 16,739 trips of Wednesday 2008-05-21 (README count) and counts the rest as outside_date', async () => {
    const t0 = performance.now();
    const r = await loadTrips(SF, { format: 'sf-cabspotting', date: '2008-05-21' });
    const seconds = (performance.now() - t0) / 1000;
    console.info(`SF: read ${r.read} rows in ${seconds.toFixed(2)} s (${Math.round(r.read / seconds)} rows/s)`, nonZero(r));
    expect(r.read).toBe(132_243);
    expect(r.trips.length).toBe(16_739);
    expect(r.rejected.outside_date).toBe(132_243 - 16_739);
    expect(r.read).toBe(r.trips.length + sumRejected(r));
    expect(r.dayStartEpochS).toBe(utcS(2008, 5, 21, 7)); // local midnight PDT
    const first = r.trips[0];
    const last = r.trips[r.trips.length - 1];
    expect(first.requestS).toBeGreaterThanOrEqual(0);
    expect(last.requestS).toBeLessThan(86_400);
    expect(first.sourceVehicleId).toMatch(/^[a-z]+$/);
    expect(first.observedDurationS).toBeGreaterThan(0);
    expect(first.pickupNode).toBe(-1);
    for (let i = 1; i < r.trips.length; i++) expect(r.trips[i].requestS).toBeGreaterThanOrEqual(r.trips[i - 1].requestS);
    expect(new Set(r.trips.map((t) => t.sourceVehicleId)).size).toBeGreaterThan(400);
  });

  it('filters by box and window, every dropped row counted', async () => {
    // The TIGER network box (README): trips to SFO and the East Bay fall outside.
    const bbox = [-122.5136, 37.7081, -122.349, 37.8316] as const;
    const r = await loadTrips(SF, { format: 'sf-cabspotting', date: '2008-05-21', bbox, window: parseTimeWindow('07:00-10:00') });
    expect(r.read).toBe(r.trips.length + sumRejected(r));
    expect(r.rejected.outside_bbox).toBeGreaterThan(0.05 * 16_739);
    expect(r.rejected.outside_time_window).toBeGreaterThan(0);
    for (const t of r.trips) {
      expect(t.requestS).toBeGreaterThanOrEqual(7 * 3600);
      expect(t.requestS).toBeLessThan(10 * 3600);
      expect(t.pickupLat).toBeGreaterThanOrEqual(37.7081);
      expect(t.dropoffLon).toBeLessThanOrEqual(-122.349);
    }
  });
});

describe.skipIf(!existsSync(AUSTIN))('rideaustin (real file)', () => {
  if (!existsSync(AUSTIN)) console.warn(skipNote(AUSTIN));

  it('reads all 15,524 rows with request times in CDT and observed durations', async () => {
    const r = await loadTrips(AUSTIN, { format: 'rideaustin' });
    console.info(`Austin: read ${r.read}, kept ${r.trips.length}`, nonZero(r));
    expect(r.read).toBe(15_524);
    expect(r.read).toBe(r.trips.length + sumRejected(r));
    // No network given: only rows with identical pickup and drop-off coordinates (3-decimal rounding) are dropped.
    expect(Object.keys(nonZero(r)).every((k) => k === RejectReason.samePickupDropoff)).toBe(true);
    expect(r.dayStartEpochS).toBe(utcS(2017, 3, 15, 5)); // 2017-03-15 00:00 CDT
    expect(r.trips[0].id).toBe('1216937');
    expect(r.trips[0].requestS).toBe(9 * 3600 + 6); // 09:00:06 local
    expect(r.trips[0].observedDurationS).toBe(1489587256 - 1489586692);
    expect(r.trips[r.trips.length - 1].requestS).toBeLessThan(33 * 3600); // ends by 09:00 the next day
  });

  it('the local date filter keeps 09:00–24:00 of 2017-03-15 only', async () => {
    const r = await loadTrips(AUSTIN, { format: 'rideaustin', date: '2017-03-16' });
    expect(r.rejected.outside_date).toBeGreaterThan(0);
    expect(r.trips.every((t) => t.requestS >= 0 && t.requestS < 9 * 3600)).toBe(true);
    expect(r.dayStartEpochS).toBe(utcS(2017, 3, 16, 5));
  });
});

describe('nyc-tlc (hand-made fixture, three header variants)', () => {
  it('2009 header: local New York times (EST), 0,0 / bad time / dropoff before pickup rejected', async () => {
    const r = await loadTrips(join(NYC, 'yellow_2009-01_sample.csv'), { format: 'nyc-tlc' });
    expect(r.read).toBe(5);
    expect(r.trips.map((t) => t.riders)).toEqual([1, 3]);
    expect(nonZero(r)).toEqual({ unparseable: 1, bad_coordinates: 1, non_positive_duration: 1 });
    expect(r.dayStartEpochS).toBe(utcS(2009, 1, 4, 5));
    expect(r.trips[0].requestS).toBe(2 * 3600 + 52 * 60);
    expect(r.trips[0].observedDurationS).toBe(600);
    expect(r.trips[0].pickupLon).toBeCloseTo(-73.991957, 6);
  });

  it('spaced 2010-style header and the spring-forward day: offsets switch from EST to EDT', async () => {
    const rows = [];
    for await (const row of readTrips(join(NYC, 'yellow_2010-03_spaced_header_sample.csv'), { format: 'nyc-tlc' })) rows.push(row);
    expect(rows.map((r) => (r.kind === 'trip' ? 'trip' : r.reason))).toEqual(['trip', 'trip', 'unparseable', 'non_positive_duration']);
    const [a, b] = rows.map((r) => (r.kind === 'trip' ? r.trip : undefined));
    expect(a?.utcOffsetS).toBe(-5 * 3600);
    expect(a?.requestEpochS).toBe(utcS(2010, 3, 14, 6, 30));
    expect(b?.utcOffsetS).toBe(-4 * 3600);
    expect(b?.requestEpochS).toBe(utcS(2010, 3, 14, 7, 30)); // 03:30 EDT = 07:30 UTC
    expect(b?.riders).toBe(1);
    const r = await loadTrips(join(NYC, 'yellow_2010-03_spaced_header_sample.csv'), { format: 'nyc-tlc', date: '2010-03-14' });
    expect(r.dayStartEpochS).toBe(utcS(2010, 3, 14, 5));
    expect(r.trips.map((t) => t.requestS)).toEqual([5400, 9000]); // 23 h day: 03:30 local is 2.5 h after midnight
  });

  it('2015 header: sorted by time then id, row number as id, short row unparseable', async () => {
    const r = await loadTrips(join(NYC, 'yellow_2015-01_sample.csv'), { format: 'nyc-tlc' });
    expect(r.read).toBe(6);
    expect(nonZero(r)).toEqual({ unparseable: 2, bad_coordinates: 1 });
    expect(r.trips.map((t) => t.id)).toEqual(['2', '3', '1']);
    expect(r.dayStartEpochS).toBe(utcS(2015, 1, 10, 5));
    expect(r.trips[2].requestS).toBe(5 * 86_400 + 19 * 3600 + 5 * 60 + 39);
  });

  it('reads gzip by magic bytes, whatever the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-trips-'));
    const p = join(dir, 'looks-plain.csv');
    writeFileSync(p, gzipSync(readFileSync(join(NYC, 'yellow_2015-01_sample.csv'))));
    const r = await loadTrips(p, { format: 'nyc-tlc' });
    expect(r.trips.map((t) => t.id)).toEqual(['2', '3', '1']);
  });
});

describe('zone-less local times (Intl)', () => {
  const ny = new ZoneOffsets('America/New_York');
  it('repeated hour in autumn takes the earlier (EDT) instant; skipped hour in spring moves one hour on', () => {
    expect(parseLocalTime('2013-11-03 01:30:00', ny)).toEqual({ epochS: utcS(2013, 11, 3, 5, 30), utcOffsetS: -4 * 3600 });
    expect(parseLocalTime('2013-11-03 02:30:00', ny)).toEqual({ epochS: utcS(2013, 11, 3, 7, 30), utcOffsetS: -5 * 3600 });
    expect(parseLocalTime('2013-03-10 02:30:00', ny)).toEqual({ epochS: utcS(2013, 3, 10, 7, 30), utcOffsetS: -4 * 3600 });
    expect(parseLocalTime('2013-03-10 03:30:00', ny)).toEqual({ epochS: utcS(2013, 3, 10, 7, 30), utcOffsetS: -4 * 3600 });
    expect(parseLocalTime('2013-02-30 03:30:00', ny).epochS).toBeNaN();
  });
  it('unknown zone is a clear error', () => {
    expect(() => new ZoneOffsets('Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('baton format', () => {
  it('ISO with offset or epoch seconds; zone-less time unparseable; riders default 1', async () => {
    const r = await loadTrips(BATON, { format: 'baton', timeZone: 'Europe/Zurich' });
    expect(r.read).toBe(4);
    expect(nonZero(r)).toEqual({ unparseable: 1 });
    expect(r.trips.map((t) => t.id)).toEqual(['b3', 'b1', 'b2']);
    expect(r.dayStartEpochS).toBe(utcS(2024, 4, 30, 22)); // midnight +02:00
    expect(r.trips.map((t) => t.requestS)).toEqual([28_770, 28_800, 28_800]);
    expect(r.trips.map((t) => t.riders)).toEqual([2, 1, 1]);
    expect(r.trips[0].observedDurationS).toBeUndefined();
    expect(r.trips.every((t) => t.acceptsSharing === false)).toBe(true);
  });
});

describe('reject counting', () => {
  it('one row per reason, each counted once; read = kept + rejected', async () => {
    const offBox = { minLat: 40.78, maxLat: 40.79, minLon: -73.96, maxLon: -73.95 };
    const progress: number[] = [];
    const r = await loadTrips(join(NYC, 'one-reject-per-reason.csv'), {
      format: 'nyc-tlc',
      date: '2015-01-15',
      window: parseTimeWindow('06:00-22:00'),
      bbox: [-74.05, 40.68, -73.9, 40.88],
      snapper: gridSnapper(offBox),
      // The last row's pickup lies east of -73.94: outside this operating area, inside the bbox.
      serviceArea: { contains: (_lat: number, lon: number) => lon < -73.94 },
      onProgress: (p) => progress.push(p.rowsRead),
    });
    expect(r.read).toBe(13);
    // Every reason once, but times_out_of_order: the TLC layout has no request time apart from the pickup.
    const expected = Object.fromEntries(Object.values(RejectReason).map((reason) => [reason, reason === RejectReason.timesOutOfOrder ? 0 : 1]));
    expect(r.rejected).toEqual(expected);
    expect(r.trips.map((t) => t.id)).toEqual(['2', '1']);
    expect(r.trips[0].riders).toBe(2);
    expect(r.trips[0].pickupNode).not.toBe(r.trips[0].dropoffNode);
    expect(r.trips[0].pickupNode).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(13);
  });
});

describe('errors name the file', () => {
  it('missing file', async () => {
    await expect(loadTrips('/nonexistent/trips.csv', { format: 'baton' })).rejects.toThrow('/nonexistent/trips.csv: file not found');
  });
  it('unknown format', async () => {
    await expect(loadTrips(BATON, { format: 'uber' })).rejects.toThrow(/unknown trip format "uber".*sf-cabspotting, rideaustin, nyc-tlc, baton/);
  });
  it('missing required columns are all named', async () => {
    const err = await loadTrips(BATON, { format: 'nyc-tlc' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(BATON);
    expect((err as Error).message).toContain('tpep_pickup_datetime (or pickup_datetime, trip_pickup_datetime');
    expect((err as Error).message).toContain('dropoff_latitude (or end_lat)');
  });
  it('empty file, bad date, bad window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-trips-'));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(loadTrips(empty, { format: 'baton' })).rejects.toThrow(`${empty}: file is empty`);
    await expect(loadTrips(BATON, { format: 'baton', date: '2024-02-30' })).rejects.toThrow('invalid date "2024-02-30"');
    expect(() => parseTimeWindow('10:00-07:00')).toThrow('invalid time window');
    expect(parseTimeWindow('6:30-9')).toEqual({ fromS: 23_400, toS: 32_400 });
  });
});

describe.skipIf(!existsSync(SF))('loadTripDays', () => {
  it('one pass over several dates gives each day exactly what loading it alone gives', async () => {
    const dates = ['2008-05-19', '2008-05-20'];
    const together = await loadTripDays(SF, { format: 'sf-cabspotting', dates });
    for (const date of dates) {
      const alone = await loadTrips(SF, { format: 'sf-cabspotting', date });
      const day = together.get(date)!;
      expect(day.trips.length).toBe(alone.trips.length);
      expect(day.trips.map((t) => `${t.id}@${t.requestS}`)).toEqual(alone.trips.map((t) => `${t.id}@${t.requestS}`));
      expect(day.rejected).toEqual(alone.rejected);
      expect(day.dayStartEpochS).toBe(alone.dayStartEpochS);
      expect(day.read).toBe(alone.read);
    }
    expect(together.get('2008-05-19')!.trips.length).toBe(17_037); // Monday's count in the data README
  });
});
