// Baton's own trip CSV: the smallest documented format for hand-made or exported demand.
import type { TripRecord } from '../../../core/demand/trip.js';
import { num, resolveColumns } from '../columns.js';
import { parseIsoOrEpoch } from '../time-parse.js';
import { checkRecord, ridersOf, type TripFormat } from './format.js';

/**
 * `id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon[,riders]`. `request_time` is ISO-8601 with an offset
 * (`2024-05-01T08:00:00+02:00`, `…Z`) or epoch seconds; epoch seconds take their local offset from the time zone
 * option (UTC by default). A zone-less ISO time is ambiguous and rejected as unparseable.
 */
export const batonCsv: TripFormat = {
  name: 'baton',
  description: 'Baton CSV: id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon[,riders]',
  defaultTimeZone: 'UTC',
  bind(header, ctx) {
    const c = resolveColumns(
      header,
      {
        id: ['id'],
        requestTime: ['request_time'],
        pickupLat: ['pickup_lat'],
        pickupLon: ['pickup_lon'],
        dropoffLat: ['dropoff_lat'],
        dropoffLon: ['dropoff_lon'],
      },
      { riders: ['riders'] },
      ctx.path,
      'baton',
    );
    return (f, rowNumber) => {
      const t = parseIsoOrEpoch(f[c.requestTime] ?? '', ctx.zone);
      const id = (f[c.id] ?? '').trim();
      const rec: TripRecord = {
        id: id === '' ? String(rowNumber) : id,
        requestEpochS: t.epochS,
        utcOffsetS: t.utcOffsetS,
        pickupLat: num(f[c.pickupLat]),
        pickupLon: num(f[c.pickupLon]),
        dropoffLat: num(f[c.dropoffLat]),
        dropoffLon: num(f[c.dropoffLon]),
        riders: c.riders >= 0 ? ridersOf(f[c.riders]) : 1,
      };
      return checkRecord(rec);
    };
  },
};
