// Rider endpoints: request a ride (durably stored and idempotent before it is acknowledged), read and cancel one's
// own rides. Another rider's ride answers 404, exactly like a ride that does not exist.
import { canonicalJson, sha256Hex, TERMINAL_RIDE_STATUSES, type RideRecord } from '../../io/store/store.js';
import type { ApiRoutes } from '../api.js';
import type { Principal } from '../auth.js';
import type { LiveRide } from '../conductor.js';
import type { ServiceContext } from '../context.js';
import { ApiError, parseOr400 } from '../errors.js';
import { IdempotencyKey, RequestsQuery, RideParams, RideRequestBody, RideView, ErrorBody } from '../schemas.js';
import { z } from 'zod';

/** The rider's view of a stored ride, with what the conductor knows now. */
export function rideView(ctx: ServiceContext, ride: RideRecord, etaS?: number | null, liveNow?: LiveRide): RideView {
  const p = ride.payload as RideRequestBody;
  const live = liveNow ?? ctx.conductor.ride(ride.id);
  // A terminal status in the store (a cancellation written before it was acknowledged) wins over the live view.
  const stored = TERMINAL_RIDE_STATUSES.has(ride.status);
  return {
    rideId: ride.id,
    status: stored || !live ? ride.status : live.status,
    reason: stored || !live ? ride.reason : live.reason,
    vehicleId: stored ? null : (live?.vehicleId ?? null),
    etaS: stored ? null : etaS !== undefined ? etaS : (live?.etaS ?? null),
    pickup: p.pickup,
    dropoff: p.dropoff,
    riders: p.riders,
    acceptsSharing: p.acceptsSharing,
    createdAt: new Date(ride.createdAtMs).toISOString(),
  };
}

/** The rider's own ride, or 404 (also for someone else's). */
export async function ownRide(ctx: ServiceContext, principal: Principal, rideId: string): Promise<RideRecord> {
  const ride = await ctx.store.getRide(rideId);
  if (!ride || ride.riderId !== principal.subject) throw new ApiError(404, 'not_found', `no ride ${rideId} of yours`);
  return ride;
}

const errors = (description: string) => ({ description, schema: ErrorBody });

export function riderRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'POST',
    url: '/v1/rides',
    summary: 'Request a ride. Answered only once the request is durably stored; a retry with the same Idempotency-Key returns the same ride.',
    tag: 'rider',
    roles: ['rider'],
    body: RideRequestBody,
    headers: [{ name: 'Idempotency-Key', schema: IdempotencyKey, required: true, description: 'a key unique to this request; retries carry the same key' }],
    responses: {
      201: { description: 'accepted (or the same ride again for a retry: header Idempotent-Replayed: true)', schema: RideView },
      409: errors('the Idempotency-Key was already used with a different request'),
      422: errors('refused: outside the service area, too many riders, pickup = drop-off'),
      503: errors('not ready yet (starting up); retry'),
    },
    handler: async ({ req, reply, principal, body }) => {
      const key = parseOr400(IdempotencyKey, req.headers['idempotency-key'], 'Idempotency-Key header');
      if (!ctx.conductor.ready) throw new ApiError(503, 'not_ready', 'the service is starting; retry shortly', { 'Retry-After': '1' });
      const check = ctx.conductor.check(body);
      if (!check.ok) {
        ctx.metrics.rides.inc({ outcome: `refused:${check.error}` });
        // A pause is temporary (retry later); anything else about the request will not change.
        if (check.error === 'requests_paused') throw new ApiError(503, check.error, check.reason, { 'Retry-After': '60' });
        throw new ApiError(422, check.error, check.reason);
      }
      const { ride, created } = await ctx.store.createRideRequest(key, principal!.subject, body);
      if (!created) {
        if (ride.payloadSha256 !== sha256Hex(canonicalJson(body))) {
          ctx.metrics.rides.inc({ outcome: 'refused:idempotency_key_reused' });
          throw new ApiError(409, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different ride request');
        }
        ctx.metrics.rides.inc({ outcome: 'replayed' });
        reply.header('Idempotent-Replayed', 'true');
        return reply.code(201).send(rideView(ctx, ride));
      }
      // Stored: from here on the ride exists even if this process dies (a restart hands open rides to the engine).
      const { etaS } = ctx.conductor.submit(ride.id, body);
      ctx.metrics.rides.inc({ outcome: 'created' });
      return reply.code(201).header('Location', `/v1/rides/${ride.id}`).send(rideView(ctx, ride, etaS));
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/rides',
    summary: "The rider's own rides, oldest first",
    tag: 'rider',
    roles: ['rider'],
    query: RequestsQuery,
    responses: { 200: { description: 'rides', schema: z.object({ rides: z.array(RideView) }) } },
    handler: async ({ principal, query }) => {
      const rides = await ctx.store.listRides({ riderId: principal!.subject, status: query.status, limit: query.limit, afterId: query.afterId });
      return { rides: rides.map((r) => rideView(ctx, r)) };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/rides/:rideId',
    summary: 'One of your rides: status, car, ETA',
    tag: 'rider',
    roles: ['rider'],
    params: RideParams,
    responses: { 200: { description: 'the ride', schema: RideView }, 404: errors('no such ride of yours') },
    handler: async ({ principal, params }) => rideView(ctx, await ownRide(ctx, principal!, params.rideId)),
  });

  api.add({
    method: 'DELETE',
    url: '/v1/rides/:rideId',
    summary: 'Cancel one of your rides (before pickup)',
    tag: 'rider',
    roles: ['rider'],
    params: RideParams,
    responses: { 200: { description: 'cancelled', schema: RideView }, 404: errors('no such ride of yours'), 409: errors('already picked up or ended') },
    handler: async ({ principal, params }) => {
      const ride = await ownRide(ctx, principal!, params.rideId);
      if (TERMINAL_RIDE_STATUSES.has(ride.status)) throw new ApiError(409, 'not_cancellable', `the ride is already ${ride.status}`);
      const d = ctx.conductor.cancel(ride.id, 'rider');
      // A ride the engine does not hold (stored, not yet handed over after a restart) is cancelled in the store.
      if (!d.ok && d.error !== 'not_found') throw new ApiError(409, d.error, d.reason);
      await ctx.store.setRideStatuses([{ id: ride.id, status: 'cancelled', reason: 'rider' }]);
      return rideView(ctx, { ...ride, status: 'cancelled', reason: 'rider' });
    },
  });
}
