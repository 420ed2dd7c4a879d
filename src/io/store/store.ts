// The service's durable state behind one interface — ride requests (idempotent, durable before acknowledged), the
// event log, hashed API keys, registered vehicles — with one implementation per database (sqlite.ts, postgres.ts)
// and one conformance suite (test/service/store-conformance.ts) that both pass.
import { createHash } from 'node:crypto';
import type { SimEvent } from '../../core/sim/events.js';

/** Who a token speaks for. */
export const ROLES = ['rider', 'vehicle', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Where a ride is in its life, as the service tells the rider. The last three are terminal. */
export const RIDE_STATUSES = ['accepted', 'assigned', 'onboard', 'completed', 'cancelled', 'rejected'] as const;
export type RideStatus = (typeof RIDE_STATUSES)[number];
export const TERMINAL_RIDE_STATUSES: ReadonlySet<RideStatus> = new Set(['completed', 'cancelled', 'rejected']);

export interface RideRecord {
  id: string;
  riderId: string;
  idempotencyKey: string;
  /** The request as the rider sent it (validated), parsed back from JSON. */
  payload: unknown;
  /** SHA-256 of the payload's canonical JSON: a retry with the same key must carry the same payload. */
  payloadSha256: string;
  createdAtMs: number;
  status: RideStatus;
  reason: string | null;
  updatedAtMs: number;
  /** The car carrying the ride (assigned or on board), as last recorded; null otherwise. */
  vehicleId: string | null;
  /** Engine second its riders were picked up (on board or after); null before. */
  pickedUpS: number | null;
}

export interface CreateRideResult {
  ride: RideRecord;
  /** False when the (rider, idempotency key) pair already existed: `ride` is the earlier one, nothing was written. */
  created: boolean;
}

export interface RideStatusUpdate {
  id: string;
  status: RideStatus;
  reason?: string | null;
  /** The car carrying it now (null or absent: none). */
  vehicleId?: string | null;
  /** Engine second of its pickup (null or absent: not picked up). */
  pickedUpS?: number | null;
}

export interface RideQuery {
  riderId?: string;
  status?: RideStatus;
  /** Only rides created after this ride (creation order), for paging. */
  afterId?: string;
  limit?: number;
}

/** One stored event: the simulator's JSON line plus where it sits in the log. */
export interface StoredEvent {
  /** 1, 2, 3, … over the whole log, across runs. */
  seq: number;
  /** Service start that produced it (engine indices restart with each run). */
  run: number;
  timeS: number;
  kind: SimEvent['kind'];
  /** Exactly `eventToJson(event)`. */
  json: string;
}

export interface TokenRecord {
  id: string;
  role: Role;
  /** The rider id, vehicle id or operator name the token acts as. */
  subject: string;
  label: string | null;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export interface IssuedToken {
  token: TokenRecord;
  /** The secret, shown once; only its SHA-256 is stored. */
  apiKey: string;
}

export interface VehicleRecord {
  id: string;
  seats: number;
  registeredAtMs: number;
  inService: boolean;
  outOfServiceReason: string | null;
  lastSeenAtMs: number | null;
  lat: number | null;
  lon: number | null;
  socPct: number | null;
}

export interface VehicleSighting {
  id: string;
  atMs: number;
  lat: number;
  lon: number;
  socPct?: number | null;
}

/** The service's database. Every method is durable when its promise resolves. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies the migrations not applied yet; returns how many ran. Call once before anything else. */
  migrate(): Promise<number>;
  /** Schema version (the last migration applied). */
  schemaVersion(): Promise<number>;

  /**
   * Stores a ride request unless this rider already sent one with this idempotency key, in which case the earlier
   * one comes back with `created: false` and nothing is written. Committed durably before it resolves.
   */
  createRideRequest(idempotencyKey: string, riderId: string, payload: unknown, opts?: { id?: string; nowMs?: number }): Promise<CreateRideResult>;
  getRide(id: string): Promise<RideRecord | undefined>;
  listRides(query?: RideQuery): Promise<RideRecord[]>;
  /** Rides not in a terminal state, oldest first: what a restarted service must carry on with. */
  openRides(): Promise<RideRecord[]>;
  setRideStatuses(updates: readonly RideStatusUpdate[], nowMs?: number): Promise<void>;
  countRides(): Promise<number>;

  /** Appends events in order in one transaction; returns the first and last sequence numbers given. */
  appendEvents(run: number, events: readonly SimEvent[]): Promise<{ firstSeq: number; lastSeq: number }>;
  /** Events with seq ≥ fromSeq in order, at most `limit`. */
  readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]>;
  /** Last sequence number written (0 for an empty log). */
  lastEventSeq(): Promise<number>;

  createToken(t: { role: Role; subject: string; label?: string; nowMs?: number }): Promise<IssuedToken>;
  /** The live (not revoked) token whose key this is, if any. */
  findTokenByKey(apiKey: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, nowMs?: number): Promise<boolean>;

  /** Registers a vehicle, or updates its seats if it exists (keeping its service state). */
  registerVehicle(v: { id: string; seats: number; nowMs?: number }): Promise<VehicleRecord>;
  getVehicle(id: string): Promise<VehicleRecord | undefined>;
  listVehicles(): Promise<VehicleRecord[]>;
  setVehicleInService(id: string, inService: boolean, reason?: string | null): Promise<boolean>;
  /** Last known position per vehicle (the service writes these in batches, not per telemetry sample). */
  recordSightings(sightings: readonly VehicleSighting[]): Promise<void>;

  getState(name: string): Promise<string | undefined>;
  setState(name: string, value: string): Promise<void>;

  close(): Promise<void>;
}

/**
 * JSON with object keys sorted at every level, so equal payloads hash equally whatever order a client sent.
 *
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads a store's export of the event log as the simulator's NDJSON (one event per line, trailing newline). */
export async function exportEventsNdjson(store: Store, write: (chunk: string) => void | Promise<void>, opts: { fromSeq?: number; run?: number; pageSize?: number } = {}): Promise<number> {
  const page = opts.pageSize ?? 5000;
  let from = opts.fromSeq ?? 1;
  let count = 0;
  for (;;) {
    const rows = await store.readEvents(from, page);
    if (rows.length === 0) return count;
    let chunk = '';
    for (const r of rows) {
      if (opts.run !== undefined && r.run !== opts.run) continue;
      chunk += `${r.json}\n`;
      count++;
    }
    if (chunk) await write(chunk);
    from = rows[rows.length - 1].seq + 1;
  }
}
