// NYC TLC yellow-taxi trips 2009–2015 (the years with coordinates): three header variants, local New York times.
import type { TripRecord } from '../../../core/demand/trip.js';
import { num, resolveColumns } from '../columns.js';
import { parseLocalTime } from '../time-parse.js';
import { checkRecord, ridersOf, type TripFormat } from './format.js';

/**
 * Header names per year: 2009 (`Trip_Pickup_DateTime`, `Start_Lon`, …), 2010 (`pickup_datetime`, `pickup_longitude`,
 * …), 2011–2015 (`tpep_pickup_datetime`, …). Matched trimmed and case-insensitively (some files have leading spaces).
 * Times are zone-less America/New_York wall-clock times; the file has no request time, so the pickup stands in. No trip
 * id either: the id is the data-row number in the file. observedDurationS = dropoff − pickup.
 */
export const nycTlc: TripFormat = {
  name: 'nyc-tlc',
  description: 'NYC TLC yellow taxi 2009–2015 (pickup = request time, local New York time)',
  defaultTimeZone: 'America/New_York',
  bind(header, ctx) {
    const c = resolveColumns(
      header,
      {
        pickupTime: ['tpep_pickup_datetime', 'pickup_datetime', 'trip_pickup_datetime', 'lpep_pickup_datetime'],
        dropoffTime: ['tpep_dropoff_datetime', 'dropoff_datetime', 'trip_dropoff_datetime', 'lpep_dropoff_datetime'],
        pickupLon: ['pickup_longitude', 'start_lon'],
        pickupLat: ['pickup_latitude', 'start_lat'],
        dropoffLon: ['dropoff_longitude', 'end_lon'],
        dropoffLat: ['dropoff_latitude', 'end_lat'],
      },
      { riders: ['passenger_count'] },
      ctx.path,
      'nyc-tlc',
    );
    return (f, rowNumber) => {
      const pickup = parseLocalTime(f[c.pickupTime] ?? '', ctx.zone);
      const dropoff = parseLocalTime(f[c.dropoffTime] ?? '', ctx.zone);
      const rec: TripRecord = {
        id: String(rowNumber),
        requestEpochS: pickup.epochS,
        utcOffsetS: pickup.utcOffsetS,
        pickupLat: num(f[c.pickupLat]),
        pickupLon: num(f[c.pickupLon]),
        dropoffLat: num(f[c.dropoffLat]),
        dropoffLon: num(f[c.dropoffLon]),
        riders: c.riders >= 0 ? ridersOf(f[c.riders]) : 1,
        observedDurationS: dropoff.epochS - pickup.epochS,
        pickupEpochS: pickup.epochS,
      };
      return checkRecord(rec);
    };
  },
};
