// Every failure a client sees is `{ error, reason }` with a 4xx/5xx status: a stable code and a sentence. Stack
// traces and internal messages go to the log only.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';

/** A refusal to send to the client as it is. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
  }
}

/** The first few validation issues as one sentence: "pickup.lat: Too big: expected number to be <=90; …". */
export function describeIssues(where: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((i) => {
    const path = i.path.map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `invalid ${where}: ${parts.join('; ')}${more}`;
}

/** Parses `value` with `schema` or throws a 400 naming the bad fields. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, 'invalid_request', describeIssues(where, r.error.issues));
  return r.data;
}

/** Fastify's own client errors (bad JSON, body too large, wrong content type…) mapped to our codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

/** Installs the error and not-found handlers that keep every response `{ error, reason }`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | Error, req, reply) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.statusCode).send({ error: err.error, reason: err.reason });
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = (err as FastifyError).code;
      const error = (code && FASTIFY_CODES[code]) ?? (err instanceof SyntaxError ? 'invalid_json' : 'invalid_request');
      return reply.code(status).send({ error, reason: err.message.replace(/^FST_\w+: /, '') });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', reason: 'internal error; it has been logged' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: 'not_found', reason: `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}` });
  });
}
