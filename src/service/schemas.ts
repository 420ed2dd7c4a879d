// The live API's payloads as zod schemas: the same objects validate every request and generate /openapi.json.
import { z } from 'zod';
import { RIDE_STATUSES, ROLES } from '../io/store/store.js';

const description = (text: string) => ({ description: text });

export const LatLon = z
  .strictObject({
    lat: z.number().min(-90).max(90).meta(description('latitude, degrees WGS84')),
    lon: z.number().min(-180).max(180).meta(description('longitude, degrees WGS84')),
  })
  .meta(description('a point, degrees WGS84'));

/** Ids the service hands out or accepts in paths: ride UUIDs, vehicle and rider names. */
export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

export const RideRequestBody = z
  .strictObject({
    pickup: LatLon,
    dropoff: LatLon,
    riders: z.number().int().min(1).max(8).default(1).meta(description('people travelling together')),
    acceptsSharing: z.boolean().default(false).meta(description('whether the rider accepts a shared (pooled) ride')),
  })
  .meta(description('a ride request'));
export type RideRequestBody = z.infer<typeof RideRequestBody>;

/** Retries of one request carry the same key (visible ASCII, at most 128 characters). */
export const IdempotencyKey = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only');

export const RideParams = z.strictObject({ rideId: Id });
export const VehicleParams = z.strictObject({ vehicleId: Id });

const RideStatusSchema = z.enum(RIDE_STATUSES);

export const RideView = z.object({
  rideId: z.string(),
  status: RideStatusSchema,
  reason: z.string().nullable().meta(description('why it was rejected or cancelled')),
  vehicleId: z.string().nullable(),
  etaS: z.number().nullable().meta(description('expected seconds until pickup (a placeholder estimate until a car is assigned); null when not applicable')),
  pickup: LatLon,
  dropoff: LatLon,
  riders: z.number().int(),
  acceptsSharing: z.boolean(),
  createdAt: z.string().meta(description('ISO-8601')),
});
export type RideView = z.infer<typeof RideView>;

export const VehicleRegisterBody = z.strictObject({
  seats: z.number().int().min(1).max(8).default(2),
  position: LatLon.optional(),
});

export const VEHICLE_REPORTED_STATUSES = ['idle', 'driving', 'dwelling', 'charging', 'fault', 'offline'] as const;

export const TelemetrySample = z.strictObject({
  atMs: z.number().int().min(0).max(8.64e15).meta(description('epoch milliseconds of the fix')),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  speedMps: z.number().min(0).max(100).optional(),
  socPct: z.number().min(0).max(100).optional(),
  status: z.enum(VEHICLE_REPORTED_STATUSES).optional(),
});
export type TelemetrySample = z.infer<typeof TelemetrySample>;

/** One WebSocket message from a vehicle: a batch of fixes (≥ 1 Hz, sent every few seconds). */
export const TelemetryBatch = z.strictObject({
  type: z.literal('telemetry'),
  samples: z.array(TelemetrySample).min(1).max(120),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatch>;

const REPORTED_STATUS_SET: ReadonlySet<unknown> = new Set(VEHICLE_REPORTED_STATUSES);
const SAMPLE_KEYS: ReadonlySet<string> = new Set(['atMs', 'lat', 'lon', 'speedMps', 'socPct', 'status']);
const inRange = (x: unknown, lo: number, hi: number): boolean => typeof x === 'number' && x >= lo && x <= hi;

/**
 * Whether `msg` (parsed JSON) is a valid TelemetryBatch: the same rules as the zod schema, checked by hand. 20,000 cars
 * at 1 Hz make this the hottest path of the service, and the schema walk cost several times more than the message's
 * own JSON.parse. On false, run `TelemetryBatch.safeParse` for the error text (test/service/telemetry-check.test.ts
 * holds the two equal on generated messages).
 */
export function isTelemetryBatch(msg: unknown): msg is TelemetryBatch {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return false;
  const m = msg as Record<string, unknown>;
  let keys = 0;
  for (const k in m) {
    if (k !== 'type' && k !== 'samples') return false;
    keys++;
  }
  if (keys !== 2 || m.type !== 'telemetry') return false;
  const samples = m.samples;
  if (!Array.isArray(samples) || samples.length < 1 || samples.length > 120) return false;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    for (const k in x) if (!SAMPLE_KEYS.has(k)) return false;
    if (!Number.isInteger(x.atMs) || !inRange(x.atMs, 0, 8.64e15)) return false;
    if (!inRange(x.lat, -90, 90) || !inRange(x.lon, -180, 180)) return false;
    if ('speedMps' in x && !inRange(x.speedMps, 0, 100)) return false;
    if ('socPct' in x && !inRange(x.socPct, 0, 100)) return false;
    if ('status' in x && !REPORTED_STATUS_SET.has(x.status)) return false;
  }
  return true;
}

export const VehicleReport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pickup'), rideId: Id }),
  z.strictObject({ kind: z.literal('dropoff'), rideId: Id }),
  z.strictObject({ kind: z.literal('fault'), code: z.string().min(1).max(64), description: z.string().max(500).optional() }),
  z.strictObject({ kind: z.literal('assist'), description: z.string().min(1).max(500) }),
]);
export type VehicleReport = z.infer<typeof VehicleReport>;

export const OutOfServiceBody = z.strictObject({ reason: z.string().min(1).max(200) });

export const TokenCreateBody = z.strictObject({
  role: z.enum(ROLES),
  subject: Id.meta(description('the rider id, vehicle id or operator name the token acts as')),
  label: z.string().max(100).optional(),
});

export const TokenIssued = z.object({
  tokenId: z.string(),
  role: z.enum(ROLES),
  subject: z.string(),
  apiKey: z.string().meta(description('shown once; send as `Authorization: Bearer <apiKey>`')),
});

export const RequestsQuery = z.strictObject({
  status: RideStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  afterId: Id.optional(),
});

export const EventsQuery = z.strictObject({
  fromSeq: z.coerce.number().int().min(1).default(1),
  run: z.coerce.number().int().min(1).optional(),
});

export const ErrorBody = z.object({
  error: z.string().meta(description('a stable machine-readable code')),
  reason: z.string().meta(description('what was wrong, for people')),
});

export const Empty = z.strictObject({});
