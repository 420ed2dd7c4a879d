// Cabspotting San Francisco trips (CRAWDAD epfl/mobility, derived table): pickup time stands in for the request time.
import type { TripRecord } from '../../../core/demand/trip.js';
import { num, resolveColumns } from '../columns.js';
import { offsetOfIso, parseEpochS } from '../time-parse.js';
import { checkRecord, type TripFormat } from './format.js';

/** Pacific Daylight Time, the zone of the whole data set (used when `pickup_local` carries no offset). */
const PDT_OFFSET_S = -7 * 3600;

/**
 * `trip_id, cab_id, pickup_unix, pickup_local, pickup_lat, pickup_lon, dropoff_unix, …, duration_s, …`.
 * requestEpochS = pickup_unix (the data has no request time); observedDurationS = duration_s; sourceVehicleId = cab_id.
 */
export const sfCabspotting: TripFormat = {
  name: 'sf-cabspotting',
  description: 'San Francisco Cabspotting trips (pickup = request time, PDT)',
  defaultTimeZone: 'America/Los_Angeles',
  bind(header, ctx) {
    const c = resolveColumns(
      header,
      {
        id: ['trip_id'],
        cab: ['cab_id'],
        pickupUnix: ['pickup_unix'],
        pickupLat: ['pickup_lat'],
        pickupLon: ['pickup_lon'],
        dropoffLat: ['dropoff_lat'],
        dropoffLon: ['dropoff_lon'],
        durationS: ['duration_s'],
      },
      { pickupLocal: ['pickup_local'] },
      ctx.path,
      'sf-cabspotting',
    );
    return (f) => {
      const pickupEpochS = parseEpochS(f[c.pickupUnix] ?? '');
      const local = c.pickupLocal >= 0 ? offsetOfIso(f[c.pickupLocal] ?? '') : NaN;
      const rec: TripRecord = {
        id: (f[c.id] ?? '').trim(),
        requestEpochS: pickupEpochS,
        utcOffsetS: Number.isNaN(local) ? PDT_OFFSET_S : local,
        pickupLat: num(f[c.pickupLat]),
        pickupLon: num(f[c.pickupLon]),
        dropoffLat: num(f[c.dropoffLat]),
        dropoffLon: num(f[c.dropoffLon]),
        riders: 1,
        observedDurationS: num(f[c.durationS]),
        pickupEpochS,
        sourceVehicleId: (f[c.cab] ?? '').trim(),
      };
      return checkRecord(rec);
    };
  },
};
