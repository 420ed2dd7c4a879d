// The service database schema as an ordered list of migrations whose SQL text both SQLite and PostgreSQL run
// unchanged, so the two stores cannot drift apart.
//
// Portability rules for this text: INTEGER / BIGINT / TEXT / DOUBLE PRECISION only (no BOOLEAN: 0/1 integers; no
// SERIAL or AUTOINCREMENT: the application assigns event sequence numbers); times are integer epoch milliseconds
// (`…AtMs`) or engine seconds (`…S`); one statement per array entry.

export interface Migration {
  /** Dense, starting at 1; applied in order, each once, inside one transaction. */
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rides, events, tokens, vehicles, service state',
    statements: [
      // A ride request is stored (durably) before the rider is told it was accepted. The idempotency key is scoped
      // to the rider, so one rider's key can neither collide with nor reveal another rider's ride.
      `CREATE TABLE rides (
        id TEXT PRIMARY KEY,
        rider_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_sha256 TEXT NOT NULL,
        created_at_ms BIGINT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        updated_at_ms BIGINT NOT NULL,
        UNIQUE (rider_id, idempotency_key)
      )`,
      `CREATE INDEX rides_open ON rides (status, created_at_ms)`,
      `CREATE INDEX rides_rider ON rides (rider_id, created_at_ms)`,
      // The event log: the simulator's events, one JSON line each, exactly as eventToJson writes them. `run`
      // counts service starts, because engine request and vehicle indices restart with each run.
      `CREATE TABLE events (
        seq BIGINT PRIMARY KEY,
        run INTEGER NOT NULL,
        time_s BIGINT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
      )`,
      // API keys are stored as the SHA-256 of the key; the key itself is shown once, when it is issued.
      `CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        key_sha256 TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        subject TEXT NOT NULL,
        label TEXT,
        created_at_ms BIGINT NOT NULL,
        revoked_at_ms BIGINT
      )`,
      `CREATE TABLE vehicles (
        id TEXT PRIMARY KEY,
        seats INTEGER NOT NULL,
        registered_at_ms BIGINT NOT NULL,
        in_service INTEGER NOT NULL,
        out_of_service_reason TEXT,
        last_seen_at_ms BIGINT,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        soc_pct DOUBLE PRECISION
      )`,
      // Small named values the service needs across restarts (clock anchor, run counter).
      `CREATE TABLE service_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'rides: the car and the pickup second of a ride on board',
    statements: [
      // A restarted service places riders who were on board back in their car (decision 0020): which car carries
      // the ride (assigned or on board) and when it picked the riders up (engine seconds; NULL until then).
      `ALTER TABLE rides ADD COLUMN vehicle_id TEXT`,
      `ALTER TABLE rides ADD COLUMN picked_up_s BIGINT`,
    ],
  },
];

/** The table that records which migrations ran. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at_ms BIGINT NOT NULL
)`;
