// Starting a worker thread on one of our own modules, whether we run compiled (dist/, `.js`) or from TypeScript source
// (tsx, vitest): fleet-size's simulation workers and the solver threads.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/**
 * A worker thread running the module `name` (without extension) next to `importerUrl` (pass `import.meta.url`): its
 * compiled `.js` under dist/, or its `.ts` when the importer itself runs from source, with tsx's loader registered in
 * the worker first under `namespace`.
 *
 * @example startModuleWorker(import.meta.url, 'fleet-size-worker', 'baton-fleet-size', { workerData: data })
 */
export function startModuleWorker(importerUrl: string, name: string, namespace: string, options: { workerData?: unknown; transferList?: TransferListItem[] } = {}): Worker {
  const fromSource = importerUrl.endsWith('.ts');
  const url = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, importerUrl);
  const init = { workerData: options.workerData, transferList: options.transferList };
  if (!fromSource) return new Worker(url, init);
  // NOTE: a worker does not inherit the parent's loader hooks on Node 20 (not even with tsx in execArgv), and under
  // vitest there is no tsx at all: register it inside the worker before importing the TypeScript entry.
  // Only tsx's namespaced API works inside a worker here (its global register() leaves types unstripped).
  const tsxApi = pathToFileURL(tsxEsmApiPath()).href;
  const boot =
    `import(${JSON.stringify(tsxApi)}).then((m) => m.register({ namespace: ${JSON.stringify(namespace)} })` +
    `.import(${JSON.stringify(url.href)}, ${JSON.stringify(importerUrl)}))`;
  return new Worker(boot, { eval: true, ...init });
}

/** File of tsx's ESM API, from its package exports (require.resolve would give the CJS build, broken in a worker). */
function tsxEsmApiPath(): string {
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error(`${pkgFile}: no ESM export "./esm/api"; cannot run worker threads from TypeScript source`);
  return join(dirname(pkgFile), rel);
}
