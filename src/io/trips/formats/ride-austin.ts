// RideAustin ride-hail trips (Austin, 2017): real request times, observed pickup and drop-off times.
import type { TripRecord } from '../../../core/demand/trip.js';
import { num, resolveColumns } from '../columns.js';
import { offsetOfIso, parseEpochS } from '../time-parse.js';
import { checkRecord, type TripFormat } from './format.js';

/**
 * `ride_id, request_local, request_unix, …, pickup_unix, pickup_lat, pickup_lon, dropoff_unix, dropoff_lat,
 * dropoff_lon, …, active_driver_id`. The offset comes from `request_local` (or the zone, when that column is absent);
 * observedDurationS = dropoff_unix − pickup_unix. NOTE: `active_driver_id` is not used as sourceVehicleId: it is a
 * per-session id (7,752 values in one day), so counting it would overstate the human fleet.
 */
export const rideAustin: TripFormat = {
  name: 'rideaustin',
  description: 'RideAustin trips (request_unix, offset from request_local)',
  defaultTimeZone: 'America/Chicago',
  bind(header, ctx) {
    const c = resolveColumns(
      header,
      {
        id: ['ride_id'],
        requestUnix: ['request_unix'],
        pickupUnix: ['pickup_unix'],
        pickupLat: ['pickup_lat'],
        pickupLon: ['pickup_lon'],
        dropoffUnix: ['dropoff_unix'],
        dropoffLat: ['dropoff_lat'],
        dropoffLon: ['dropoff_lon'],
      },
      { requestLocal: ['request_local'] },
      ctx.path,
      'rideaustin',
    );
    return (f) => {
      const requestEpochS = parseEpochS(f[c.requestUnix] ?? '');
      const pickupEpochS = parseEpochS(f[c.pickupUnix] ?? '');
      const dropoffEpochS = parseEpochS(f[c.dropoffUnix] ?? '');
      const local = c.requestLocal >= 0 ? offsetOfIso(f[c.requestLocal] ?? '') : NaN;
      const rec: TripRecord = {
        id: (f[c.id] ?? '').trim(),
        requestEpochS,
        utcOffsetS: Number.isNaN(local) && Number.isFinite(requestEpochS) ? ctx.zone.offsetAt(requestEpochS) : local,
        pickupLat: num(f[c.pickupLat]),
        pickupLon: num(f[c.pickupLon]),
        dropoffLat: num(f[c.dropoffLat]),
        dropoffLon: num(f[c.dropoffLon]),
        riders: 1,
        observedDurationS: dropoffEpochS - pickupEpochS,
        pickupEpochS,
      };
      return checkRecord(rec);
    };
  },
};
