// The Store conformance suite on a real, throwaway PostgreSQL server (skipped, saying why, without the binaries).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPostgresStore } from '../../src/io/store/postgres.js';
import { storeConformance } from './store-conformance.js';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresServer } from './postgres-server.js';

const available = findPostgresBin() !== undefined;
if (!available) {
  describe.skip(POSTGRES_MISSING, () => {
    it('skipped', () => undefined);
  });
} else {
  let server: PostgresServer;
  let n = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  storeConformance('PostgreSQL', {
    async fresh() {
      const url = await server.createDatabase(`conformance_${n++}`);
      return { open: () => openPostgresStore(url) };
    },
  });
}
