// The hand-written telemetry check on the WebSocket hot path (isTelemetryBatch) must accept exactly what the zod
// schema TelemetryBatch accepts: generated messages, valid and broken in every field, are judged by both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTelemetryBatch, TelemetryBatch, VEHICLE_REPORTED_STATUSES } from '../../src/service/schemas.js';

const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -400, max: 400 }),
  fc.integer({ min: -5, max: 2_000_000_000_000 }),
  fc.constantFrom(-0.5, 0, 90, 90.0001, -90, -180, 180, 180.5, 100, 100.01, 8.64e15, 8.64e15 + 2, 1.5),
);
const junk = fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant([]), fc.constant({}), anyNumber);

const validSample = fc.record(
  {
    atMs: fc.integer({ min: 0, max: 2e12 }),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    speedMps: fc.double({ min: 0, max: 100, noNaN: true }),
    socPct: fc.double({ min: 0, max: 100, noNaN: true }),
    status: fc.constantFrom(...VEHICLE_REPORTED_STATUSES),
  },
  { requiredKeys: ['atMs', 'lat', 'lon'] },
);
/** A valid fix, or one with one field set to a wrong value (or an unknown field added, or a required one dropped). */
const sample = fc.tuple(validSample, fc.option(fc.tuple(fc.constantFrom('atMs', 'lat', 'lon', 'speedMps', 'socPct', 'status', 'extra'), fc.oneof(junk, fc.constant(undefined))), { freq: 2 })).map(([s, m]) => {
  if (!m) return s;
  const out: Record<string, unknown> = { ...s };
  if (m[1] === undefined) delete out[m[0]];
  else out[m[0]] = m[1];
  return out;
});
const batch = fc.oneof(
  fc.record({ type: fc.constant('telemetry'), samples: fc.array(sample, { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.oneof(fc.constant('telemetry'), fc.constant('plan'), junk), samples: fc.oneof(fc.array(sample, { maxLength: 4 }), junk), more: junk }, { requiredKeys: [] }),
  fc.record({ type: fc.constant('telemetry'), samples: fc.array(validSample, { minLength: 118, maxLength: 122 }) }),
  junk,
  fc.array(junk, { maxLength: 2 }),
);

/** Round-trips through JSON: the socket hands the check parsed JSON, never undefined or NaN. */
const asJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x) ?? 'null');

describe('isTelemetryBatch', () => {
  it('accepts what the zod schema accepts, on generated messages', () => {
    let valid = 0;
    fc.assert(
      fc.property(batch, (raw) => {
        const msg = asJson(raw);
        const ok = TelemetryBatch.safeParse(msg).success;
        expect(isTelemetryBatch(msg)).toBe(ok);
        if (ok) valid++;
      }),
      { numRuns: 3000 },
    );
    // Both answers must have been exercised, not only refusals.
    expect(valid).toBeGreaterThan(30);
  });

  it('accepts a valid batch, refuses an unknown field, a missing fix and a fix out of range', () => {
    const ok = { type: 'telemetry', samples: [{ atMs: 1, lat: 37.7, lon: -122.4, speedMps: 3, socPct: 80, status: 'driving' }] };
    expect(isTelemetryBatch(ok)).toBe(true);
    expect(isTelemetryBatch({ ...ok, extra: 1 })).toBe(false);
    expect(isTelemetryBatch({ type: 'telemetry', samples: [] })).toBe(false);
    expect(isTelemetryBatch({ type: 'telemetry', samples: [{ atMs: 1.5, lat: 0, lon: 0 }] })).toBe(false);
    expect(isTelemetryBatch({ type: 'telemetry', samples: [{ atMs: 1, lat: 91, lon: 0 }] })).toBe(false);
    expect(isTelemetryBatch({ type: 'telemetry', samples: [{ atMs: 1, lat: 0, lon: 0, status: 'parked' }] })).toBe(false);
  });
});
