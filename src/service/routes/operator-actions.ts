// Operator actions on areas and cars (issue 15.5, decision 0021): pause new requests in an area (GeoJSON or H3 cells)
// and lift it, change the service area live, send a car to a charging site or a position; and change the running
// dispatcher's parameters (decision 0025). Each is one API call and lands in the event log (RequestsPaused,
// RequestsResumed, ServiceAreaChanged, VehicleSentByOperator, DispatcherParametersChanged); pauses, the service area
// and parameters are also stored as the operator state a restart puts back (operator-state.ts).
import { z } from 'zod';
import type { ApiRoutes } from '../api.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ErrorBody, Id, LatLon, VehicleParams } from '../schemas.js';
import { MAX_AREA_CELLS, operatorAreaPolygons } from '../operator-areas.js';
import { saveOperatorState } from '../operator-state.js';
import { PARAMETER_RANGES, rangeText } from '../../core/dispatch/parameters.js';
import { VehicleViewSchema } from './vehicle.js';

const OPERATOR = ['operator'] as const;
const errors = (description: string) => ({ description, schema: ErrorBody });
const describe = (text: string) => ({ description: text });

/** A GeoJSON object (checked field by field by the service-area reader, not by the schema). */
const GeoJsonArea = z.record(z.string(), z.unknown()).meta(describe('GeoJSON Polygon or MultiPolygon, a Feature holding one, or a FeatureCollection of them; positions [lon, lat]'));
const Polygons = z.array(z.array(z.array(z.array(z.number())))).meta(describe('polygons as GeoJSON MultiPolygon coordinates ([lon, lat] rings, outer ring first)'));

export const PauseAreaBody = z.strictObject({
  area: GeoJsonArea.optional(),
  cells: z.array(z.string().max(20)).max(MAX_AREA_CELLS).optional().meta(describe('H3 cell ids of one resolution (e.g. the dashboard heat cells); their outline is the area')),
  name: Id.optional().meta(describe('the pause\'s name (default area-N); pausing a name again replaces that pause')),
  reason: z.string().min(1).max(200).optional(),
});
export const ResumeAreaBody = z.strictObject({ name: Id });
export const ServiceAreaBody = z.strictObject({ area: GeoJsonArea.nullable().meta(describe('the new service area; null: the whole network again')) });
export const SendBody = z.strictObject({
  site: z.number().int().min(0).optional().meta(describe('a charging site (GET /v1/operator/sites): the car drives there, charges full and waits idle there')),
  position: LatLon.optional().meta(describe('a point: the car drives to the nearest road node and waits there (it may take a ride on the way)')),
  reason: z.string().min(1).max(200).optional(),
});

/** A numeric dispatcher parameter in its range, refused with the range in words. */
function parameter(name: keyof typeof PARAMETER_RANGES, text: string) {
  const r = PARAMETER_RANGES[name];
  const error = `expected ${rangeText(name)}`;
  let n = z.number({ error });
  if (r.integer) n = n.int({ error });
  n = r.above ? n.gt(r.min, { error }) : n.min(r.min, { error });
  return n.max(r.max, { error }).meta(describe(text));
}

/** Every parameter an operator may change; a preset has some of them (GET /v1/operator/dispatcher lists which). */
const DispatcherParametersShape = {
  maxWaitS: parameter('maxWaitS', 'every preset: a request not picked up this many seconds after it was made is given up (cancelled, reason max_wait); holds for requests already waiting'),
  pooling: z.boolean().meta(describe('pooled presets: riders who accept sharing may share a car; false: one request per car at a time (riders already sharing finish their rides)')),
  minDetourS: parameter('minDetourS', 'pooled presets: a shared rider\'s extra in-car time is at most the larger of this (seconds) …'),
  detourShare: parameter('detourShare', 'pooled presets: … and this share of the direct ride'),
  carTimeWeight: parameter('carTimeWeight', 'pooled presets: weight of the car time a trip adds beyond its riders\' own rides against their wait and delay (1 by default; 0: wait and delay alone, decision 0041)'),
  admitOnTime: z.boolean().meta(describe('pooled presets: a new ride is accepted only if a car can pick the rider up within 5 min, else rejected at once (no_car_in_time); false: every ride a car can reach within the max wait is served (decision 0042)')),
  scarceRideWeight: parameter('scarceRideWeight', 'pooled presets, with admitOnTime: while under 5 % of cars are idle, a new ride\'s claim shrinks by this × its ride, so long rides are declined first (2 in pooled+admit; 0: off)'),
  rebalancing: z.boolean().meta(describe('+rebalance presets: idle cars are moved toward forecast demand every 5 min; false: they wait where they are')),
  rebalanceShare: parameter('rebalanceShare', '+rebalance presets: share of the gap to the forecast spread of idle cars closed per round (more: more empty driving, closer to demand)'),
  chargeBelowShare: parameter('chargeBelowShare', 'with charging sites (serve --chargers): a car that frees up below this share of its battery goes to charge …'),
  chargeToShare: parameter('chargeToShare', '… and charges up to this share (above chargeBelowShare)'),
};
const OptionalParameters = Object.fromEntries(Object.entries(DispatcherParametersShape).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof DispatcherParametersShape]: z.ZodOptional<(typeof DispatcherParametersShape)[K]>;
};
export const DispatcherPatchBody = z.strictObject(OptionalParameters).refine((b) => Object.keys(b).length > 0, { error: 'give at least one parameter to change' });
const DispatcherViewSchema = z.object({
  preset: z.string().meta(describe('serve --dispatcher')),
  parameters: z.object({ ...OptionalParameters, maxWaitS: DispatcherParametersShape.maxWaitS }).meta(describe('the parameters this preset has (and charging thresholds only with charging sites)')),
  changedBy: z.string().nullable().meta(describe('who changed a parameter last (null: nobody since start)')),
  changedAtS: z.number().nullable().meta(describe('engine second of that change')),
});

const PausedArea = z.object({ area: z.string(), polygons: Polygons, by: z.string(), reason: z.string(), sinceS: z.number() });
const SiteSchema = z.object({ site: z.number(), kind: z.literal('charger'), lat: z.number(), lon: z.number(), plugs: z.number(), powerKw: z.number() });

/** The polygons of a body's area or cells, or a 400 naming the field. */
function polygonsOr400(body: { area?: unknown; cells?: readonly string[] }) {
  try {
    return operatorAreaPolygons(body);
  } catch (err) {
    throw new ApiError(400, 'invalid_request', `invalid body: ${(err as Error).message}`);
  }
}

export function operatorActionRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  let nextArea = 1;

  api.add({
    method: 'POST',
    url: '/v1/operator/requests/pause-area',
    summary: 'Pause new ride requests with pickup in an area (GeoJSON or H3 cells): POST /v1/rides from there answers 503 requests_paused',
    tag: 'operator',
    roles: OPERATOR,
    body: PauseAreaBody,
    responses: { 201: { description: 'paused', schema: PausedArea } },
    handler: async ({ body, reply, principal }) => {
      const polygons = polygonsOr400(body);
      const area = body.name ?? `area-${nextArea++}`;
      const reason = body.reason ?? 'operator pause';
      ctx.conductor.pauseRequests(area, polygons, principal!.subject, reason);
      await saveOperatorState(ctx.store, ctx.conductor);
      ctx.log.info({ area, polygons: polygons.length, reason, by: principal!.subject }, 'ride requests paused in an area');
      return reply.code(201).send(ctx.conductor.pausedAreas().find((a) => a.area === area));
    },
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/requests/resume-area',
    summary: 'Lift the pause of one area',
    tag: 'operator',
    roles: OPERATOR,
    body: ResumeAreaBody,
    responses: { 200: { description: 'resumed', schema: z.object({ resumed: z.string() }) }, 404: errors('no pause of that name') },
    handler: async ({ body, principal }) => {
      const d = ctx.conductor.resumeRequests(body.name, principal!.subject);
      if (!d.ok) throw new ApiError(404, d.error, d.reason);
      await saveOperatorState(ctx.store, ctx.conductor);
      ctx.log.info({ area: body.name, by: principal!.subject }, 'ride requests resumed in an area');
      return { resumed: body.name };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/areas',
    summary: 'Paused areas (an area with no polygons: everywhere) and the service area set live (null: none)',
    tag: 'operator',
    roles: OPERATOR,
    responses: { 200: { description: 'the areas', schema: z.object({ paused: z.array(PausedArea), serviceArea: Polygons.nullable() }) } },
    handler: async () => ({ paused: ctx.conductor.pausedAreas(), serviceArea: ctx.conductor.serviceArea() }),
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/service-area',
    summary: 'Change the service area live: from now on requests with an end outside answer 422 outside_service_area and no car is sent outside; routing keeps the network built at start',
    tag: 'operator',
    roles: OPERATOR,
    body: ServiceAreaBody,
    responses: { 200: { description: 'the new area', schema: z.object({ serviceArea: Polygons.nullable(), nodesInside: z.number() }) } },
    handler: async ({ body, principal }) => {
      const polygons = body.area === null ? null : polygonsOr400({ area: body.area });
      const { nodesInside } = ctx.conductor.setServiceArea(polygons, principal!.subject);
      await saveOperatorState(ctx.store, ctx.conductor);
      ctx.log.info({ polygons: polygons?.length ?? 0, nodesInside, by: principal!.subject }, 'service area changed');
      return { serviceArea: ctx.conductor.serviceArea(), nodesInside };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/dispatcher',
    summary: 'The running dispatcher: its preset and the parameters an operator may change, with their values now',
    tag: 'operator',
    roles: OPERATOR,
    responses: { 200: { description: 'the dispatcher', schema: DispatcherViewSchema } },
    handler: async () => ctx.conductor.dispatcher(),
  });

  api.add({
    method: 'PATCH',
    url: '/v1/operator/dispatcher',
    summary: 'Change dispatcher parameters live: they apply from the next decision, are logged (DispatcherParametersChanged) and kept across a restart',
    tag: 'operator',
    roles: OPERATOR,
    body: DispatcherPatchBody,
    responses: {
      200: { description: 'the dispatcher after the change', schema: DispatcherViewSchema },
      400: errors('a value out of range, a parameter this preset does not have, or charging thresholds out of order: the reason names the field'),
    },
    handler: async ({ body, principal }) => {
      const d = ctx.conductor.tuneDispatcher(body, principal!.subject);
      if (!d.ok) throw new ApiError(400, d.error, d.reason);
      await saveOperatorState(ctx.store, ctx.conductor);
      ctx.log.info({ ...body, by: principal!.subject }, 'dispatcher parameters changed');
      return ctx.conductor.dispatcher();
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/sites',
    summary: 'Where cars can be sent: the charging sites of this service',
    tag: 'operator',
    roles: OPERATOR,
    responses: { 200: { description: 'sites', schema: z.object({ sites: z.array(SiteSchema) }) } },
    handler: async () => ({ sites: ctx.conductor.sites() }),
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/vehicles/:vehicleId/send',
    summary: 'Send a car with no riders to a charging site (it charges full, then waits there) or to a position (it rebalances there)',
    tag: 'operator',
    roles: OPERATOR,
    params: VehicleParams,
    body: SendBody,
    responses: {
      200: { description: 'sent', schema: VehicleViewSchema },
      404: errors('no such vehicle or site'),
      409: errors('the car cannot go now (riders on its plan, out of service, charging…): the reason says why'),
      422: errors('the position is off the network or outside the service area'),
    },
    handler: async ({ params, body, principal }) => {
      if ((body.site === undefined) === (body.position === undefined)) throw new ApiError(400, 'invalid_request', 'invalid body: give exactly one of "site" or "position"');
      const to = body.site !== undefined ? { site: body.site } : { position: body.position! };
      const reason = body.reason ?? 'sent by the operator';
      const d = ctx.conductor.sendVehicle(params.vehicleId, to, principal!.subject, reason);
      if (!d.ok) {
        const status = d.error === 'not_registered' || d.error === 'no_such_site' ? 404 : d.error === 'refused' ? 409 : 422;
        throw new ApiError(status, d.error, d.reason);
      }
      ctx.log.info({ vehicle: params.vehicleId, ...to, by: principal!.subject }, 'vehicle sent');
      return ctx.conductor.vehicle(params.vehicleId);
    },
  });
}
