// A rider's WebSocket stream of one of their rides: the current view at once, then every change (car assigned,
// ETA, picked up, dropped off, cancelled).
import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ApiRoutes, Guards } from '../api.js';
import { guard } from '../api.js';
import type { ServiceContext } from '../context.js';
import { parseOr400 } from '../errors.js';
import { ErrorBody, RideParams } from '../schemas.js';
import type { RideRecord } from '../../io/store/store.js';
import { ownRide, rideView } from './rider.js';

export function rideStreamRoute(api: ApiRoutes): void {
  api.add({
    method: 'GET',
    url: '/v1/rides/:rideId/stream',
    summary: 'WebSocket: {"type":"ride","ride":{…}} now and on every change of one of your rides',
    tag: 'rider',
    roles: ['rider'],
    params: RideParams,
    websocket: true,
    responses: { 101: { description: 'switching to WebSocket' }, 404: { description: 'no such ride of yours', schema: ErrorBody } },
  });
}

/** Open ride streams by ride id; each holds the stored ride (its payload never changes) to build views from. */
export class RideSockets {
  private readonly byRide = new Map<string, { ride: RideRecord; sockets: Set<WebSocket> }>();

  constructor(private readonly ctx: ServiceContext) {
    ctx.conductor.onRideChange((rideId, live) => {
      const entry = this.byRide.get(rideId);
      if (!entry) return;
      // Built now, from the change itself: later changes must not overtake this one.
      const text = JSON.stringify({ type: 'ride', ride: rideView(ctx, entry.ride, undefined, live) });
      for (const ws of entry.sockets) if (ws.readyState === 1) ws.send(text);
    });
  }

  attach(app: FastifyInstance, g: Guards): void {
    const ctx = this.ctx;
    app.get('/v1/rides/:rideId/stream', {
      websocket: true,
      preValidation: async (req) => {
        const principal = await guard(req, ['rider'], g);
        const { rideId } = parseOr400(RideParams, req.params, 'path');
        (req as { ride?: RideRecord }).ride = await ownRide(ctx, principal!, rideId);
      },
    }, (socket, req) => {
      const ride = (req as { ride?: RideRecord }).ride!;
      let entry = this.byRide.get(ride.id);
      if (!entry) this.byRide.set(ride.id, (entry = { ride, sockets: new Set() }));
      const sockets = entry.sockets;
      sockets.add(socket);
      ctx.metrics.wsConnections.set({ kind: 'ride' }, this.count());
      socket.on('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && this.byRide.get(ride.id)?.sockets === sockets) this.byRide.delete(ride.id);
        ctx.metrics.wsConnections.set({ kind: 'ride' }, this.count());
      });
      socket.on('error', () => undefined);
      socket.on('message', () => socket.send(JSON.stringify({ type: 'error', error: 'read_only', reason: 'this stream only sends' })));
      socket.send(JSON.stringify({ type: 'ride', ride: rideView(ctx, ride) }));
    });
  }

  private count(): number {
    let n = 0;
    for (const e of this.byRide.values()) n += e.sockets.size;
    return n;
  }
}
