// The Store written once in SQL that SQLite and PostgreSQL both accept; each database only supplies a small
// executor (sqlite.ts, postgres.ts). Queries use `?` placeholders; the PostgreSQL executor numbers them.
import { randomUUID } from 'node:crypto';
import { eventToJson, type SimEvent } from '../../core/sim/events.js';
import { generateApiKey, generateTokenId, hashApiKey } from './api-keys.js';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.js';
import {
  canonicalJson,
  sha256Hex,
  type CreateRideResult,
  type IssuedToken,
  type RideQuery,
  type RideRecord,
  type RideStatus,
  type RideStatusUpdate,
  type Role,
  type Store,
  type StoredEvent,
  type TokenRecord,
  type VehicleRecord,
  type VehicleSighting,
} from './store.js';

export type SqlParam = string | number | null | readonly (string | null)[];

/** An array parameter (pg sends JS arrays as PostgreSQL arrays). */
const pgArray = (values: (string | null)[]): readonly (string | null)[] => values;
export interface SqlStatement {
  sql: string;
  params?: readonly SqlParam[];
}

/** What a database must provide. */
export interface SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /**
   * Like `all`, but the statement may share one transaction (one disk flush) with other calls made at about the same
   * time: group commit. Durable when it resolves, like `all`.
   */
  allGrouped<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs the statements in one transaction: all or none. */
  batch(statements: readonly SqlStatement[]): Promise<void>;
  /** Runs `fn` while holding a lock that other processes sharing the database respect (migrations). */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Rows per multi-row INSERT (5 columns × 1000 stays under both databases' bound-parameter limits). */
const INSERT_CHUNK = 1000;

interface RideRow {
  id: string;
  rider_id: string;
  idempotency_key: string;
  payload: string;
  payload_sha256: string;
  created_at_ms: number;
  status: string;
  reason: string | null;
  updated_at_ms: number;
  vehicle_id: string | null;
  picked_up_s: number | null;
}
interface TokenRow {
  id: string;
  role: string;
  subject: string;
  label: string | null;
  created_at_ms: number;
  revoked_at_ms: number | null;
}
interface VehicleRow {
  id: string;
  seats: number;
  registered_at_ms: number;
  in_service: number;
  out_of_service_reason: string | null;
  last_seen_at_ms: number | null;
  lat: number | null;
  lon: number | null;
  soc_pct: number | null;
}

const rideOf = (r: RideRow): RideRecord => ({
  id: r.id,
  riderId: r.rider_id,
  idempotencyKey: r.idempotency_key,
  payload: JSON.parse(r.payload),
  payloadSha256: r.payload_sha256,
  createdAtMs: Number(r.created_at_ms),
  status: r.status as RideStatus,
  reason: r.reason,
  updatedAtMs: Number(r.updated_at_ms),
  vehicleId: r.vehicle_id,
  pickedUpS: r.picked_up_s === null ? null : Number(r.picked_up_s),
});
const tokenOf = (r: TokenRow): TokenRecord => ({
  id: r.id,
  role: r.role as Role,
  subject: r.subject,
  label: r.label,
  createdAtMs: Number(r.created_at_ms),
  revokedAtMs: r.revoked_at_ms === null ? null : Number(r.revoked_at_ms),
});
const vehicleOf = (r: VehicleRow): VehicleRecord => ({
  id: r.id,
  seats: r.seats,
  registeredAtMs: Number(r.registered_at_ms),
  inService: Number(r.in_service) === 1,
  outOfServiceReason: r.out_of_service_reason,
  lastSeenAtMs: r.last_seen_at_ms === null ? null : Number(r.last_seen_at_ms),
  lat: r.lat,
  lon: r.lon,
  socPct: r.soc_pct,
});

const RIDE_INSERT_COLUMNS = 'id, rider_id, idempotency_key, payload, payload_sha256, created_at_ms, status, reason, updated_at_ms';
const RIDE_COLUMNS = `${RIDE_INSERT_COLUMNS}, vehicle_id, picked_up_s`;

export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private nextSeq = -1;
  /** appendEvents calls run one after another, so sequence numbers commit in order. */
  private appendChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: SqlExecutor) {
    this.kind = db.dialect;
  }

  async migrate(): Promise<number> {
    const applied = await this.db.withMigrationLock(async () => {
      await this.db.run(MIGRATIONS_TABLE);
      const done = new Set((await this.db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
      let count = 0;
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await this.db.batch([
          ...m.statements.map((sql) => ({ sql })),
          { sql: 'INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)', params: [m.version, m.name, Date.now()] },
        ]);
        count++;
      }
      return count;
    });
    const [row] = await this.db.all<{ m: number | null }>('SELECT MAX(seq) AS m FROM events');
    this.nextSeq = Number(row?.m ?? 0) + 1;
    return applied;
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.db.all<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    return Number(row?.v ?? 0);
  }

  // ---- rides ----

  async createRideRequest(idempotencyKey: string, riderId: string, payload: unknown, opts: { id?: string; nowMs?: number } = {}): Promise<CreateRideResult> {
    const text = canonicalJson(payload);
    const now = opts.nowMs ?? Date.now();
    const inserted = await this.db.allGrouped<RideRow>(
      `INSERT INTO rides (${RIDE_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rider_id, idempotency_key) DO NOTHING RETURNING ${RIDE_COLUMNS}`,
      [opts.id ?? randomUUID(), riderId, idempotencyKey, text, sha256Hex(text), now, 'accepted', null, now],
    );
    if (inserted.length === 1) return { ride: rideOf(inserted[0]), created: true };
    const [existing] = await this.db.all<RideRow>(`SELECT ${RIDE_COLUMNS} FROM rides WHERE rider_id = ? AND idempotency_key = ?`, [riderId, idempotencyKey]);
    if (!existing) throw new Error(`store: ride (${riderId}, ${idempotencyKey}) neither inserted nor found`);
    return { ride: rideOf(existing), created: false };
  }

  async getRide(id: string): Promise<RideRecord | undefined> {
    const [row] = await this.db.all<RideRow>(`SELECT ${RIDE_COLUMNS} FROM rides WHERE id = ?`, [id]);
    return row ? rideOf(row) : undefined;
  }

  async listRides(q: RideQuery = {}): Promise<RideRecord[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (q.riderId !== undefined) {
      where.push('rider_id = ?');
      params.push(q.riderId);
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.afterId !== undefined) {
      where.push('(created_at_ms, id) > (SELECT created_at_ms, id FROM rides WHERE id = ?)');
      params.push(q.afterId);
    }
    params.push(Math.max(1, Math.min(q.limit ?? 100, 10_000)));
    const rows = await this.db.all<RideRow>(
      `SELECT ${RIDE_COLUMNS} FROM rides ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms, id LIMIT ?`,
      params,
    );
    return rows.map(rideOf);
  }

  async openRides(): Promise<RideRecord[]> {
    const rows = await this.db.all<RideRow>(
      `SELECT ${RIDE_COLUMNS} FROM rides WHERE status NOT IN ('completed', 'cancelled', 'rejected') ORDER BY created_at_ms, id`,
    );
    return rows.map(rideOf);
  }

  async setRideStatuses(updates: readonly RideStatusUpdate[], nowMs = Date.now()): Promise<void> {
    if (updates.length === 0) return;
    if (this.db.dialect === 'postgres') {
      // NOTE: PostgreSQL-only text: one statement instead of a round trip per ride (the recorder sends hundreds).
      await this.db.run(
        `UPDATE rides AS r SET status = u.status, reason = u.reason, vehicle_id = u.vehicle_id, picked_up_s = u.picked_up_s, updated_at_ms = ?
         FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS u(id, status, reason, vehicle_id, picked_up_s) WHERE r.id = u.id`,
        [
          nowMs,
          pgArray(updates.map((u) => u.id)),
          pgArray(updates.map((u) => u.status)),
          pgArray(updates.map((u) => u.reason ?? null)),
          pgArray(updates.map((u) => u.vehicleId ?? null)),
          pgArray(updates.map((u) => (u.pickedUpS === undefined || u.pickedUpS === null ? null : String(u.pickedUpS)))),
        ],
      );
      return;
    }
    await this.db.batch(
      updates.map((u) => ({
        sql: 'UPDATE rides SET status = ?, reason = ?, vehicle_id = ?, picked_up_s = ?, updated_at_ms = ? WHERE id = ?',
        params: [u.status, u.reason ?? null, u.vehicleId ?? null, u.pickedUpS ?? null, nowMs, u.id],
      })),
    );
  }

  async countRides(): Promise<number> {
    const [row] = await this.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM rides');
    return Number(row.n);
  }

  // ---- events ----

  appendEvents(run: number, events: readonly SimEvent[]): Promise<{ firstSeq: number; lastSeq: number }> {
    const next = this.appendChain.then(() => this.appendNow(run, events));
    this.appendChain = next.catch(() => undefined);
    return next;
  }

  private async appendNow(run: number, events: readonly SimEvent[]): Promise<{ firstSeq: number; lastSeq: number }> {
    if (this.nextSeq < 0) throw new Error('store: call migrate() before appending events');
    const first = this.nextSeq;
    if (events.length === 0) return { firstSeq: first, lastSeq: first - 1 };
    const statements: SqlStatement[] = [];
    for (let i = 0; i < events.length; i += INSERT_CHUNK) {
      const chunk = events.slice(i, i + INSERT_CHUNK);
      const params: SqlParam[] = [];
      chunk.forEach((ev, j) => params.push(first + i + j, run, ev.timeS, ev.kind, eventToJson(ev)));
      statements.push({ sql: `INSERT INTO events (seq, run, time_s, kind, body) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, params });
    }
    await this.db.batch(statements);
    this.nextSeq = first + events.length;
    return { firstSeq: first, lastSeq: first + events.length - 1 };
  }

  async readEvents(fromSeq: number, limit = 10_000): Promise<StoredEvent[]> {
    const rows = await this.db.all<{ seq: number; run: number; time_s: number; kind: string; body: string }>(
      'SELECT seq, run, time_s, kind, body FROM events WHERE seq >= ? ORDER BY seq LIMIT ?',
      [fromSeq, Math.max(1, Math.min(limit, 100_000))],
    );
    return rows.map((r) => ({ seq: Number(r.seq), run: Number(r.run), timeS: Number(r.time_s), kind: r.kind as SimEvent['kind'], json: r.body }));
  }

  async lastEventSeq(): Promise<number> {
    const [row] = await this.db.all<{ m: number | null }>('SELECT MAX(seq) AS m FROM events');
    return Number(row?.m ?? 0);
  }

  // ---- tokens ----

  async createToken(t: { role: Role; subject: string; label?: string; nowMs?: number }): Promise<IssuedToken> {
    const apiKey = generateApiKey();
    const token: TokenRecord = { id: generateTokenId(), role: t.role, subject: t.subject, label: t.label ?? null, createdAtMs: t.nowMs ?? Date.now(), revokedAtMs: null };
    await this.db.run('INSERT INTO tokens (id, key_sha256, role, subject, label, created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
      token.id,
      hashApiKey(apiKey),
      token.role,
      token.subject,
      token.label,
      token.createdAtMs,
    ]);
    return { token, apiKey };
  }

  async findTokenByKey(apiKey: string): Promise<TokenRecord | undefined> {
    const [row] = await this.db.all<TokenRow>(
      'SELECT id, role, subject, label, created_at_ms, revoked_at_ms FROM tokens WHERE key_sha256 = ? AND revoked_at_ms IS NULL',
      [hashApiKey(apiKey)],
    );
    return row ? tokenOf(row) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.db.all<TokenRow>('SELECT id, role, subject, label, created_at_ms, revoked_at_ms FROM tokens ORDER BY created_at_ms, id');
    return rows.map(tokenOf);
  }

  async revokeToken(id: string, nowMs = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL', [nowMs, id])) > 0;
  }

  // ---- vehicles ----

  async registerVehicle(v: { id: string; seats: number; nowMs?: number }): Promise<VehicleRecord> {
    // Grouped: a fleet (re)connecting at once (a restart, 20,000 cars) commits in shared transactions, not one fsync
    // per car (~10 ms each: 200 s for 20,000 cars).
    const [row] = await this.db.allGrouped<VehicleRow>(
      `INSERT INTO vehicles (id, seats, registered_at_ms, in_service) VALUES (?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET seats = excluded.seats
       RETURNING id, seats, registered_at_ms, in_service, out_of_service_reason, last_seen_at_ms, lat, lon, soc_pct`,
      [v.id, v.seats, v.nowMs ?? Date.now()],
    );
    return vehicleOf(row);
  }

  async getVehicle(id: string): Promise<VehicleRecord | undefined> {
    const [row] = await this.db.all<VehicleRow>(
      'SELECT id, seats, registered_at_ms, in_service, out_of_service_reason, last_seen_at_ms, lat, lon, soc_pct FROM vehicles WHERE id = ?',
      [id],
    );
    return row ? vehicleOf(row) : undefined;
  }

  async listVehicles(): Promise<VehicleRecord[]> {
    const rows = await this.db.all<VehicleRow>(
      'SELECT id, seats, registered_at_ms, in_service, out_of_service_reason, last_seen_at_ms, lat, lon, soc_pct FROM vehicles ORDER BY id',
    );
    return rows.map(vehicleOf);
  }

  async setVehicleInService(id: string, inService: boolean, reason: string | null = null): Promise<boolean> {
    // Grouped: many cars going silent at once (a network outage) must not queue one fsync each before ride commits.
    const rows = await this.db.allGrouped<{ id: string }>('UPDATE vehicles SET in_service = ?, out_of_service_reason = ? WHERE id = ? RETURNING id', [inService ? 1 : 0, inService ? null : reason, id]);
    return rows.length > 0;
  }

  async recordSightings(sightings: readonly VehicleSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    await this.db.batch(
      sightings.map((s) => ({
        sql: 'UPDATE vehicles SET last_seen_at_ms = ?, lat = ?, lon = ?, soc_pct = COALESCE(?, soc_pct) WHERE id = ?',
        params: [s.atMs, s.lat, s.lon, s.socPct ?? null, s.id],
      })),
    );
  }

  // ---- named values ----

  async getState(name: string): Promise<string | undefined> {
    const [row] = await this.db.all<{ value: string }>('SELECT value FROM service_state WHERE name = ?', [name]);
    return row?.value;
  }

  async setState(name: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO service_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }

  async close(): Promise<void> {
    await this.appendChain;
    await this.db.close();
  }
}
