import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/**
 * The external engines of the CI machine (127.0.0.1: PostgreSQL 5432,
 * Mosquitto 1883, Redis 6379). These suites FAIL, loudly, when one is
 * missing: a skipped external test would hide a broken external path.
 */
export const EXTERNAL = {
  pgAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  pgUrl: (db: string) => `postgres://postgres@127.0.0.1:5432/${db}`,
  mqttUrl: 'mqtt://127.0.0.1:1883',
  redisUrl: 'redis://127.0.0.1:6379',
};

export async function requirePort(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', () =>
      reject(
        new Error(
          `${what} is required on 127.0.0.1:${port} for this suite (see README "Test suites"); it is not reachable`,
        ),
      ),
    );
  });
}

/** A fresh database on the external server, dropped by the returned function. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  await requirePort(5432, 'PostgreSQL');
  const name = `hall_it_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: EXTERNAL.pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: EXTERNAL.pgUrl(name),
    async drop() {
      const a = new pg.Client({ connectionString: EXTERNAL.pgAdminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
