// Operator endpoints: fleet and request state, KPIs, taking cars out of (and back into) service, the
// remote-assistance queue, issuing and revoking tokens, and exporting the event log as the simulator's NDJSON.
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { ApiRoutes } from '../api.js';
import { ASSIST_STATES } from '../conductor.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { Empty, ErrorBody, EventsQuery, Id, OutOfServiceBody, RequestsQuery, RideView, TokenCreateBody, TokenIssued, VehicleParams } from '../schemas.js';
import { rideView } from './rider.js';
import { VehicleViewSchema } from './vehicle.js';

const OPERATOR = ['operator'] as const;
const errors = (description: string) => ({ description, schema: ErrorBody });

const ClockView = z.object({ run: z.number(), engineTimeS: z.number(), speed: z.number(), fleet: z.number(), held: z.boolean() });

export function operatorRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  const clockView = () => {
    if (!ctx.clock) throw new ApiError(404, 'no_clock', 'this server runs no live clock');
    return { run: ctx.clock.run, engineTimeS: ctx.clock.nowS(), speed: ctx.clock.speed, fleet: ctx.clock.fleet, held: ctx.clock.held() };
  };

  api.add({
    method: 'GET',
    url: '/v1/operator/fleet',
    summary: 'Every registered vehicle: state, position, riders on board, plan, last telemetry',
    tag: 'operator',
    roles: OPERATOR,
    responses: { 200: { description: 'the fleet', schema: z.object({ vehicles: z.array(VehicleViewSchema) }) } },
    handler: async () => ({ vehicles: ctx.conductor.vehicles() }),
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/requests',
    summary: 'Ride requests (all riders), oldest first, filtered by status, paged by afterId',
    tag: 'operator',
    roles: OPERATOR,
    query: RequestsQuery,
    responses: { 200: { description: 'requests', schema: z.object({ rides: z.array(RideView.extend({ riderId: z.string() })) }) } },
    handler: async ({ query }) => {
      const rides = await ctx.store.listRides({ status: query.status, limit: query.limit, afterId: query.afterId });
      return { rides: rides.map((r) => ({ ...rideView(ctx, r), riderId: r.riderId })) };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/kpis',
    summary: "This run's KPIs (the simulator's fold over the event log) and live counts",
    tag: 'operator',
    roles: OPERATOR,
    responses: { 200: { description: 'KPIs', schema: z.object({ kpis: z.record(z.string(), z.unknown()), live: z.record(z.string(), z.unknown()) }) } },
    handler: async () => ({ kpis: ctx.conductor.kpis(), live: ctx.conductor.stats() }),
  });

  for (const [suffix, inService] of [['out-of-service', false], ['in-service', true]] as const) {
    api.add({
      method: 'POST',
      url: `/v1/operator/vehicles/:vehicleId/${suffix}`,
      summary: inService ? 'Put a car back into service' : 'Take a car out of service (its riders not yet picked up are re-dispatched)',
      tag: 'operator',
      roles: OPERATOR,
      params: VehicleParams,
      body: (inService ? Empty : OutOfServiceBody) as z.ZodType<{ reason?: string }>,
      responses: { 200: { description: 'done', schema: VehicleViewSchema }, 404: errors('no such vehicle'), 409: errors('refused by the conductor') },
      handler: async ({ params, body, principal }) => {
        const reason = inService ? '' : `operator ${principal!.subject}: ${body.reason}`;
        const d = ctx.conductor.setInService(params.vehicleId, inService, reason);
        if (!d.ok) throw new ApiError(d.error === 'not_registered' ? 404 : 409, d.error, d.reason);
        await ctx.store.setVehicleInService(params.vehicleId, inService, inService ? null : reason);
        ctx.log.info({ vehicle: params.vehicleId, inService, by: principal!.subject }, 'vehicle service state changed');
        return ctx.conductor.vehicle(params.vehicleId);
      },
    });
  }

  api.add({
    method: 'GET',
    url: '/v1/operator/clock',
    summary: "The service's run number (service starts), engine second now and engine seconds per wall second (emulators follow it)",
    tag: 'operator',
    roles: OPERATOR,
    responses: {
      200: { description: 'the clock', schema: ClockView },
      404: errors('this server runs no clock'),
    },
    handler: async () => clockView(),
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/clock/start',
    summary: 'Start a clock held at its start time (serve --hold); answers the clock. Starting a running clock changes nothing.',
    tag: 'operator',
    roles: OPERATOR,
    body: Empty,
    responses: { 200: { description: 'the clock, running', schema: ClockView }, 404: errors('this server runs no clock') },
    handler: async ({ principal }) => {
      if (ctx.clock?.start()) ctx.log.info({ by: principal!.subject }, 'clock started');
      return clockView();
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/assists',
    summary: 'The remote-assistance queue, oldest first: cars that asked (driving on to the node where they stop), wait for an operator, or are being helped; a car leaves it when its operator is done. The engine holds each car until an operator is free, then for the service time; riders stay on board.',
    tag: 'operator',
    roles: OPERATOR,
    responses: {
      200: {
        description: 'the queue',
        schema: z.object({
          assists: z.array(
            z.object({
              id: z.number(),
              vehicleId: z.string(),
              description: z.string(),
              atMs: z.number(),
              state: z.enum(ASSIST_STATES),
              queuedS: z.number().nullable(),
              startedS: z.number().nullable(),
              onboard: z.number(),
            }),
          ),
        }),
      },
    },
    handler: async () => ({ assists: ctx.conductor.assists() }),
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/tokens',
    summary: 'Issue an API key for a rider, vehicle or operator (the key is shown once)',
    tag: 'operator',
    roles: OPERATOR,
    body: TokenCreateBody,
    responses: { 201: { description: 'issued', schema: TokenIssued } },
    handler: async ({ body, reply, principal }) => {
      const { token, apiKey } = await ctx.store.createToken({ role: body.role, subject: body.subject, label: body.label });
      ctx.log.info({ tokenId: token.id, role: token.role, subject: token.subject, by: principal!.subject }, 'token issued');
      return reply.code(201).send({ tokenId: token.id, role: token.role, subject: token.subject, apiKey });
    },
  });

  api.add({
    method: 'DELETE',
    url: '/v1/operator/tokens/:tokenId',
    summary: 'Revoke a token at once',
    tag: 'operator',
    roles: OPERATOR,
    params: z.strictObject({ tokenId: Id }),
    responses: { 200: { description: 'revoked', schema: z.object({ revoked: z.literal(true) }) }, 404: errors('no such live token') },
    handler: async ({ params, principal }) => {
      if (!(await ctx.store.revokeToken(params.tokenId))) throw new ApiError(404, 'not_found', `no live token ${params.tokenId}`);
      ctx.auth.forget(params.tokenId);
      ctx.log.info({ tokenId: params.tokenId, by: principal!.subject }, 'token revoked');
      return { revoked: true as const };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/events',
    summary: "The stored event log as the simulator's NDJSON (one event per line), from a sequence number, optionally one run",
    tag: 'operator',
    roles: OPERATOR,
    query: EventsQuery,
    responses: { 200: { description: 'NDJSON', contentType: 'application/x-ndjson', schema: z.string() } },
    handler: async ({ query, reply }) => {
      // Page by page, so a large log streams without being held in memory.
      async function* lines(): AsyncGenerator<string> {
        let from = query.fromSeq;
        for (;;) {
          const rows = await ctx.store.readEvents(from, 5000);
          if (rows.length === 0) return;
          let chunk = '';
          for (const r of rows) if (query.run === undefined || r.run === query.run) chunk += `${r.json}\n`;
          if (chunk) yield chunk;
          from = rows[rows.length - 1].seq + 1;
        }
      }
      return reply.type('application/x-ndjson').send(Readable.from(lines()));
    },
  });
}
