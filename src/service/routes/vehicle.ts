// Vehicle endpoints: register, send telemetry (WebSocket batches, or HTTP for simple clients), read the plan, report
// pickups, drop-offs, faults and requests for remote assistance. A vehicle token acts only for its own vehicle id.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { ApiRoutes, Guards } from '../api.js';
import { guard } from '../api.js';
import type { Principal } from '../auth.js';
import type { ServiceContext } from '../context.js';
import { ApiError, describeIssues, parseOr400 } from '../errors.js';
import { ErrorBody, isTelemetryBatch, LatLon, TelemetryBatch, VehicleParams, VehicleRegisterBody, VehicleReport } from '../schemas.js';

/** 403 unless the token is this vehicle's. */
export function asSelf(principal: Principal, vehicleId: string): void {
  if (principal.subject !== vehicleId) throw new ApiError(403, 'not_this_vehicle', `this token acts for vehicle ${principal.subject}, not ${vehicleId}`);
}

const PlanStopSchema = z.object({ action: z.enum(['pickup', 'dropoff']), rideId: z.string(), lat: z.number(), lon: z.number() });
const VehicleViewSchema = z.object({
  vehicleId: z.string(),
  inService: z.boolean(),
  outOfServiceReason: z.string().nullable(),
  state: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  onboard: z.number(),
  plan: z.array(PlanStopSchema),
  lastTelemetryAtMs: z.number().nullable(),
  socPct: z.number().nullable(),
});
export { VehicleViewSchema };

const errors = (description: string) => ({ description, schema: ErrorBody });
/** Telemetry batches are larger than other bodies. */
export const TELEMETRY_BODY_LIMIT = 64 * 1024;

export function vehicleRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'POST',
    url: '/v1/vehicles/:vehicleId/register',
    summary: 'Register this vehicle (again after a restart is fine); it then receives plans',
    tag: 'vehicle',
    roles: ['vehicle'],
    params: VehicleParams,
    body: VehicleRegisterBody,
    responses: { 200: { description: 'registered', schema: VehicleViewSchema }, 409: errors('the fleet is full') },
    handler: async ({ principal, params, body }) => {
      asSelf(principal!, params.vehicleId);
      const d = ctx.conductor.registerVehicle(params.vehicleId, body.seats, body.position);
      if (!d.ok) throw new ApiError(409, d.error, d.reason);
      const rec = await ctx.store.registerVehicle({ id: params.vehicleId, seats: body.seats });
      if (!rec.inService) ctx.conductor.setInService(params.vehicleId, false, rec.outOfServiceReason ?? 'out of service');
      ctx.telemetry.watch(params.vehicleId);
      return ctx.conductor.vehicle(params.vehicleId);
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/vehicles/:vehicleId/plan',
    summary: "This vehicle's current plan (the stream pushes changes)",
    tag: 'vehicle',
    roles: ['vehicle'],
    params: VehicleParams,
    responses: { 200: { description: 'the vehicle and its plan', schema: VehicleViewSchema }, 404: errors('not registered') },
    handler: async ({ principal, params }) => {
      asSelf(principal!, params.vehicleId);
      const v = ctx.conductor.vehicle(params.vehicleId);
      if (!v) throw new ApiError(404, 'not_registered', 'register the vehicle first');
      return v;
    },
  });

  api.add({
    method: 'POST',
    url: '/v1/vehicles/:vehicleId/telemetry',
    summary: 'A batch of telemetry fixes over HTTP (the WebSocket stream is the usual way)',
    tag: 'vehicle',
    roles: ['vehicle'],
    params: VehicleParams,
    body: TelemetryBatch,
    bodyLimit: TELEMETRY_BODY_LIMIT,
    responses: { 200: { description: 'received', schema: z.object({ received: z.number() }) }, 404: errors('not registered') },
    handler: async ({ principal, params, body }) => {
      asSelf(principal!, params.vehicleId);
      if (!ctx.conductor.vehicle(params.vehicleId)) throw new ApiError(404, 'not_registered', 'register the vehicle first');
      ctx.telemetry.ingest(params.vehicleId, body.samples);
      ctx.metrics.telemetrySamples.inc(undefined, body.samples.length);
      return { received: body.samples.length };
    },
  });

  api.add({
    method: 'POST',
    url: '/v1/vehicles/:vehicleId/reports',
    summary: 'Report a pickup, a drop-off, a fault (takes the car out of service) or a need for remote assistance',
    tag: 'vehicle',
    roles: ['vehicle'],
    params: VehicleParams,
    body: VehicleReport,
    responses: { 200: { description: 'accepted', schema: z.object({ accepted: z.literal(true) }) }, 409: errors('refused: not on the plan, not registered') },
    handler: async ({ principal, params, body }) => {
      asSelf(principal!, params.vehicleId);
      const d = ctx.conductor.report(params.vehicleId, body);
      if (!d.ok) throw new ApiError(409, d.error, d.reason);
      if (body.kind === 'fault') await ctx.store.setVehicleInService(params.vehicleId, false, `fault ${body.code}`);
      if (body.kind === 'assist' || body.kind === 'fault') ctx.log.warn({ vehicle: params.vehicleId, report: body }, 'vehicle report');
      return { accepted: true as const };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/vehicles/:vehicleId/stream',
    summary: 'WebSocket: send {"type":"telemetry","samples":[…]} batches (≥ 1 Hz fixes); receive {"type":"plan","stops":[…]} whenever the plan changes',
    tag: 'vehicle',
    roles: ['vehicle'],
    params: VehicleParams,
    websocket: true,
    responses: { 101: { description: 'switching to WebSocket' }, 404: errors('not registered') },
  });
}

/** Open vehicle sockets by vehicle id (one per vehicle: a new connection replaces the old). */
export class VehicleSockets {
  private readonly sockets = new Map<string, WebSocket>();
  constructor(private readonly ctx: ServiceContext) {
    ctx.conductor.onPlanChange((vehicleId, stops) => {
      const ws = this.sockets.get(vehicleId);
      if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: 'plan', stops }));
    });
  }

  attach(app: FastifyInstance, g: Guards): void {
    const ctx = this.ctx;
    app.get('/v1/vehicles/:vehicleId/stream', {
      websocket: true,
      preValidation: async (req) => {
        const principal = await guard(req, ['vehicle'], g);
        const { vehicleId } = parseOr400(VehicleParams, req.params, 'path');
        asSelf(principal!, vehicleId);
        if (!ctx.conductor.vehicle(vehicleId)) throw new ApiError(404, 'not_registered', 'register the vehicle first');
      },
    }, (socket, req) => {
      const { vehicleId } = req.params as { vehicleId: string };
      this.sockets.get(vehicleId)?.close(4000, 'replaced by a newer connection');
      this.sockets.set(vehicleId, socket);
      ctx.metrics.wsConnections.set({ kind: 'vehicle' }, this.sockets.size);
      const v = ctx.conductor.vehicle(vehicleId);
      socket.send(JSON.stringify({ type: 'plan', stops: v?.plan ?? [] }));
      socket.on('message', (data, isBinary) => {
        const reply = handleVehicleMessage(ctx, vehicleId, isBinary ? null : data.toString());
        if (reply) socket.send(reply);
      });
      socket.on('close', () => {
        if (this.sockets.get(vehicleId) === socket) this.sockets.delete(vehicleId);
        ctx.metrics.wsConnections.set({ kind: 'vehicle' }, this.sockets.size);
      });
      socket.on('error', () => undefined);
    });
  }

  get size(): number {
    return this.sockets.size;
  }
}

/** One message from a vehicle socket → the reply to send (an error), or null when it was taken. */
export function handleVehicleMessage(ctx: ServiceContext, vehicleId: string, text: string | null): string | null {
  if (text === null) return JSON.stringify({ type: 'error', error: 'invalid_message', reason: 'send JSON text messages' });
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return JSON.stringify({ type: 'error', error: 'invalid_json', reason: 'message is not JSON' });
  }
  if (!isTelemetryBatch(msg)) {
    const r = TelemetryBatch.safeParse(msg);
    const reason = r.success ? 'message is not a telemetry batch' : describeIssues('message', r.error.issues);
    return JSON.stringify({ type: 'error', error: 'invalid_message', reason });
  }
  ctx.telemetry.ingest(vehicleId, msg.samples);
  ctx.metrics.telemetrySamples.inc(undefined, msg.samples.length);
  return null;
}

export { LatLon };
