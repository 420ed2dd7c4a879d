// A refusal before work starts: a run whose fleet, requests and network would not fit in this process's heap is
// refused with the estimate and the limit, instead of dying minutes later with a V8 out-of-memory crash.
import { getHeapStatistics } from 'node:v8';
import { SettingsError } from './settings.js';

/**
 * Heap bytes per unit, measured loosely and rounded up: a car (struct-of-arrays state, plan, snapshot and KPI
 * slots), a request (its PlacedTrip object, request-book arrays, KPI and timer entries) and a road node (graph arrays,
 * hierarchy, snapper index). NOTE: estimates for a refusal, not an accounting; they err on the generous side.
 */
export const BYTES_PER = { vehicle: 2_048, request: 1_024, node: 600 } as const;

export interface RunSize {
  fleet?: number;
  requests?: number;
  nodes?: number;
}

/** Estimated heap bytes of a run of this size. */
export function estimateRunBytes(size: RunSize): number {
  return (size.fleet ?? 0) * BYTES_PER.vehicle + (size.requests ?? 0) * BYTES_PER.request + (size.nodes ?? 0) * BYTES_PER.node;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Throws a SettingsError naming the sizes, the estimate and the limit when a run would need more than the heap
 * allows (`heapLimitBytes`: V8's limit, raised with NODE_OPTIONS=--max-old-space-size=MB).
 *
 * @example checkMemoryBudget({ fleet: 10_000_000, requests: 100_000_000 }); // SettingsError: … needs about 116.4 GiB …
 */
export function checkMemoryBudget(size: RunSize, heapLimitBytes = getHeapStatistics().heap_size_limit): void {
  const bytes = estimateRunBytes(size);
  if (bytes <= heapLimitBytes) return;
  const parts = [
    size.fleet !== undefined ? `--fleet ${size.fleet}` : '',
    size.requests !== undefined ? `${size.requests} requests` : '',
    size.nodes !== undefined ? `${size.nodes} road nodes` : '',
  ].filter(Boolean);
  throw new SettingsError(
    `${parts.join(', ')}: needs about ${gib(bytes)} of memory, more than this process's limit of ${gib(heapLimitBytes)}; ` +
      'use a smaller fleet or fewer requests, or raise the limit with NODE_OPTIONS=--max-old-space-size=MB',
  );
}
