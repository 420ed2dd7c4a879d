// One table of routes: each entry names its roles and zod schemas, and from that one entry come the Fastify route,
// its authentication, role check, rate limit and validation, and its part of the OpenAPI 3 document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../io/store/store.js';
import type { Authenticator, Principal } from './auth.js';
import { ApiError, parseOr400 } from './errors.js';
import { ErrorBody } from './schemas.js';
import type { RateLimit, RateLimiter } from './rate-limit.js';

export interface HeaderSpec {
  name: string;
  schema: z.ZodType;
  required: boolean;
  description: string;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface HandlerContext<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  principal: Principal | undefined;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify path, `:name` parameters. */
  url: string;
  summary: string;
  tag: 'rider' | 'vehicle' | 'operator' | 'service';
  /** Roles allowed; 'public' needs no token. */
  roles: readonly Role[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  headers?: readonly HeaderSpec[];
  responses: Record<number, ResponseSpec>;
  /** Largest body accepted (bytes); default: the server's. */
  bodyLimit?: number;
  /** A WebSocket endpoint (documented as GET → 101); the handler is attached separately. */
  websocket?: boolean;
  handler?(ctx: HandlerContext<P, Q, B>): Promise<unknown>;
}

export interface Guards {
  auth: Authenticator;
  limiter: RateLimiter;
  limits: Record<Role, RateLimit>;
}

/** Authenticates, checks the role and takes from the rate limit (401 / 403 / 429 otherwise). */
export async function guard(req: FastifyRequest, roles: readonly Role[] | 'public', g: Guards): Promise<Principal | undefined> {
  if (roles === 'public') return undefined;
  const principal = await g.auth.authenticate(req.headers.authorization);
  if (!roles.includes(principal.role)) {
    throw new ApiError(403, 'forbidden', `this endpoint needs a ${roles.join(' or ')} token; this one is a ${principal.role} token`);
  }
  const admit = g.limiter.take(principal.key, g.limits[principal.role]);
  if (!admit.ok) throw new ApiError(429, 'rate_limited', `too many requests for this token; retry in ${admit.retryAfterS} s`, { 'Retry-After': String(admit.retryAfterS) });
  return principal;
}

export class ApiRoutes {
  readonly specs: RouteSpec<any, any, any>[] = [];

  /** Adds a route (type parameters flow from the schemas into the handler). */
  add<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    this.specs.push(spec as RouteSpec<any, any, any>);
  }

  /** Registers every non-WebSocket route on `app`. */
  register(app: FastifyInstance, g: Guards): void {
    for (const spec of this.specs) {
      if (spec.websocket || !spec.handler) continue;
      const handler = spec.handler;
      app.route({
        method: spec.method,
        url: spec.url,
        ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
        handler: async (req, reply) => {
          const principal = await guard(req, spec.roles, g);
          const params = spec.params ? parseOr400(spec.params, req.params, 'path') : req.params;
          const query = spec.query ? parseOr400(spec.query, req.query ?? {}, 'query') : req.query;
          const body = spec.body ? parseOr400(spec.body, req.body, 'body') : undefined;
          return handler({ req, reply, principal, params, query, body });
        },
      });
    }
  }

  /** The OpenAPI 3.0 document for every route. */
  openApi(info: { title: string; version: string; description: string }): object {
    const paths: Record<string, Record<string, object>> = {};
    const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' });
    for (const spec of this.specs) {
      const path = spec.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const parameters: object[] = [];
      const objectShape = (s: z.ZodType | undefined) => (s ? ((schema(s, 'input') as { properties?: Record<string, object>; required?: string[] }) ?? {}) : {});
      for (const [where, s] of [['path', spec.params], ['query', spec.query]] as const) {
        const js = objectShape(s);
        for (const [name, sub] of Object.entries(js.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: sub });
        }
      }
      for (const h of spec.headers ?? []) parameters.push({ name: h.name, in: 'header', required: h.required, description: h.description, schema: schema(h.schema, 'input') });
      const responses: Record<string, object> = {};
      for (const [code, r] of Object.entries(spec.responses)) {
        responses[code] = r.schema ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: schema(r.schema, 'output') } } } : { description: r.description };
      }
      if (spec.roles !== 'public') {
        responses['401'] ??= { description: 'missing, unknown or revoked API key', content: { 'application/json': { schema: schema(ErrorBody, 'output') } } };
        responses['403'] ??= { description: `needs a ${spec.roles.join(' or ')} token`, content: { 'application/json': { schema: schema(ErrorBody, 'output') } } };
        responses['429'] ??= { description: 'rate limit of this token exceeded (see Retry-After)', content: { 'application/json': { schema: schema(ErrorBody, 'output') } } };
      }
      if (spec.body || spec.params || spec.query) responses['400'] ??= { description: 'invalid request (the reason names the field)', content: { 'application/json': { schema: schema(ErrorBody, 'output') } } };
      const op: Record<string, unknown> = {
        summary: spec.summary,
        tags: [spec.tag],
        operationId: `${spec.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        parameters,
        responses,
      };
      if (spec.roles !== 'public') {
        op.security = [{ apiKey: [] }];
        op['x-roles'] = spec.roles;
      }
      if (spec.websocket) op.description = 'WebSocket: send `Authorization: Bearer <api key>` on the upgrade request.';
      if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(spec.body, 'input') } } };
      (paths[path] ??= {})[spec.method.toLowerCase()] = op;
    }
    return {
      openapi: '3.0.3',
      info,
      paths,
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key issued by `baton token create` or POST /v1/operator/tokens' } } },
    };
  }
}
