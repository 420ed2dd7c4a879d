// Public operational endpoints: liveness, readiness, Prometheus metrics, the OpenAPI document and its docs page.
import { z } from 'zod';
import type { ApiRoutes } from '../api.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export const API_INFO = {
  title: 'Baton live conductor',
  version: '0.1.0',
  description:
    'Riders request rides, vehicles stream telemetry and receive plans, operators watch and intervene. Authenticate with `Authorization: Bearer <api key>`; every error is `{ "error": code, "reason": sentence }`.',
};

export function opsRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness: the process is up and serving',
    tag: 'service',
    roles: 'public',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  api.add({
    method: 'GET',
    url: '/readyz',
    summary: 'Readiness: the engine is running and the database answers',
    tag: 'service',
    roles: 'public',
    responses: { 200: { description: 'ready', schema: z.object({ status: z.literal('ready') }) }, 503: { description: 'not ready', schema: ErrorBody } },
    handler: async () => {
      if (!ctx.conductor.ready) throw new ApiError(503, 'not_ready', 'the engine is starting', { 'Retry-After': '1' });
      try {
        await ctx.store.schemaVersion();
      } catch {
        throw new ApiError(503, 'not_ready', 'the database does not answer', { 'Retry-After': '1' });
      }
      return { status: 'ready' as const };
    },
  });

  api.add({
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics (text format 0.0.4): request latency, engine advance time, requests and vehicles by state',
    tag: 'service',
    roles: 'public',
    responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4', schema: z.string() } },
    handler: async ({ reply }) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.registry.render()),
  });

  let openApiText: string | undefined;
  api.add({
    method: 'GET',
    url: '/openapi.json',
    summary: 'This API as an OpenAPI 3 document, generated from the schemas that validate requests',
    tag: 'service',
    roles: 'public',
    responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
    handler: async ({ reply }) => reply.type('application/json; charset=utf-8').send((openApiText ??= JSON.stringify(api.openApi(API_INFO)))),
  });

  api.add({
    method: 'GET',
    url: '/docs',
    summary: 'A page listing every endpoint, its roles and payloads (from /openapi.json)',
    tag: 'service',
    roles: 'public',
    responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
    handler: async ({ reply }) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE),
  });
}

/** A self-contained page (no CDN: the service may run offline) that renders /openapi.json. */
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton live API</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h2{margin-top:2em;border-bottom:1px solid #ddd}.op{margin:1em 0;padding:.6em .8em;border:1px solid #e3e3e3;border-radius:6px}
.m{display:inline-block;min-width:4.5em;font-weight:600}.GET{color:#0a7}.POST{color:#06c}.PATCH{color:#a60}.DELETE{color:#c30}
code,pre{font:12px ui-monospace,monospace;background:#f6f6f6}pre{padding:.5em;overflow:auto;max-height:22em}.roles{color:#777}</style></head>
<body><h1>Baton live API</h1><p id="desc"></p><p><a href="/openapi.json">openapi.json</a></p><div id="ops"></div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('desc').textContent=doc.info.description;
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push([m.toUpperCase(),path,op]);
  const root=document.getElementById('ops');
  const el=(t,c,txt)=>{const e=document.createElement(t);if(c)e.className=c;if(txt!==undefined)e.textContent=txt;return e};
  for(const [tag,list] of Object.entries(byTag)){
    root.append(el('h2','',tag));
    for(const [m,path,op] of list){
      const d=el('div','op');const h=el('div');h.append(el('span','m '+m,m),el('code','',path),el('span','roles','  '+(op['x-roles']?op['x-roles'].join(', '):'public')));
      d.append(h,el('div','',op.summary));
      if(op.description)d.append(el('div','',op.description));
      if(op.parameters&&op.parameters.length)d.append(el('div','','parameters: '+op.parameters.map(p=>p.in+' '+p.name+(p.required?'':'?')).join(', ')));
      if(op.requestBody)d.append(el('pre','',JSON.stringify(op.requestBody.content['application/json'].schema,null,1)));
      d.append(el('div','roles','responses: '+Object.entries(op.responses).map(([c,r])=>c+' '+r.description).join(' · ')));
      root.append(d);
    }
  }
});
</script></body></html>
`;
