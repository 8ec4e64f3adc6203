import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../server/store/embedded-pg.ts';
import { ROOT_HOME, packagedBinaries } from '../../server/store/embedded-pg-paths.ts';

/**
 * The embedded PostgreSQL as root (docs/adr/0010-embedded-postgres-as-root.md):
 * the server runs as user `postgres`, which cannot enter a 0700 folder such as
 * mkdtemp's, so binaries and cluster live under ROOT_HOME, and the folders the
 * operator made keep their mode. As any other user the cluster stays in
 * DATA_DIR/pg. The full product as root from a fresh clone is
 * tests/external/first-run-as-root.test.ts.
 */
const asRoot = process.getuid?.() === 0;
const NOT_ROOT = 'runs only as root: the layout under test is the one a root process uses';
const mode = async (p: string) => (await stat(p)).mode & 0o777;
interface Runtime {
  clusterDir: string;
  binDir: string;
  port: number;
}
const runtime = async (dataDir: string) =>
  JSON.parse(await readFile(path.join(dataDir, 'postgres.json'), 'utf8')) as Runtime;
const query = async (url: string, sql: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
};

describe('embedded PostgreSQL started as root', () => {
  it('keeps binaries and cluster where postgres can reach them, leaves a 0700 DATA_DIR parent alone, keeps data across restarts', async (ctx) => {
    ctx.skip(!asRoot, NOT_ROOT);
    const parent = await mkdtemp(path.join(tmpdir(), 'hall-root-pg-'));
    const dataDir = path.join(parent, 'data');
    const { version } = await packagedBinaries();
    try {
      const first = await startEmbeddedPostgres(dataDir, () => undefined);
      let rt: Runtime;
      try {
        expect(first.owned).toBe(true);
        await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
        rt = await runtime(dataDir);
        expect(path.dirname(rt.clusterDir)).toBe(path.join(ROOT_HOME, 'pg'));
        expect(rt.binDir).toBe(path.join(ROOT_HOME, 'pg-bin', version, 'bin'));
        expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
        // A second process on the same DATA_DIR (the CLI beside the server) uses the running one.
        const beside = await startEmbeddedPostgres(dataDir, () => undefined);
        expect(beside.owned).toBe(false);
        expect(await query(beside.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
      } finally {
        await first.stop();
      }
      expect(await mode(parent)).toBe(0o700);
      expect(existsSync(path.join(rt.clusterDir, 'postmaster.pid'))).toBe(false);

      const second = await startEmbeddedPostgres(dataDir, () => undefined);
      try {
        expect(second.owned).toBe(true);
        expect((await runtime(dataDir)).clusterDir).toBe(rt.clusterDir);
        expect(await query(second.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
      } finally {
        await second.stop();
      }

      // Once DATA_DIR is deleted, the next start on any DATA_DIR removes its cluster.
      await rm(parent, { recursive: true, force: true });
      const other = await mkdtemp(path.join(tmpdir(), 'hall-root-pg-'));
      try {
        const third = await startEmbeddedPostgres(other, () => undefined);
        await third.stop();
        expect(existsSync(rt.clusterDir)).toBe(false);
        expect(existsSync(`${rt.clusterDir}.json`)).toBe(false);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('fails with HALL_ERR_CONFIG, not a crash, when user postgres cannot reach the binaries', async (ctx) => {
    ctx.skip(!asRoot, NOT_ROOT);
    // A home inside a 0700 folder: the copy is made, but postgres cannot execute it.
    const hidden = await mkdtemp(path.join(tmpdir(), 'hall-root-home-'));
    try {
      const err = await startEmbeddedPostgres(path.join(hidden, 'data'), () => undefined, {
        rootHome: path.join(hidden, 'hall-ops'),
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'HALL_ERR_CONFIG' });
      expect((err as Error).message).toMatch(/initdb as user postgres \(uid \d+\): spawn .* EACCES/);
    } finally {
      await rm(hidden, { recursive: true, force: true });
    }
  });

  it('refuses a home folder it did not create that others may write to, and does not chmod it', async (ctx) => {
    ctx.skip(!asRoot, NOT_ROOT);
    const base = await mkdtemp(path.join(tmpdir(), 'hall-root-home-'));
    try {
      await chmod(base, 0o755);
      const home = path.join(base, 'hall-ops');
      await mkdir(home);
      await chmod(home, 0o777);
      const err = await startEmbeddedPostgres(path.join(base, 'data'), () => undefined, { rootHome: home }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({
        code: 'HALL_ERR_CONFIG',
        message: expect.stringContaining('is writable by group or others'),
      });
      expect(await mode(home)).toBe(0o777);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('as any other user keeps the cluster in DATA_DIR/pg', async (ctx) => {
    ctx.skip(asRoot, 'runs only as a user other than root: the layout under test is the non-root one');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hall-user-pg-'));
    try {
      const s = await startEmbeddedPostgres(dataDir, () => undefined);
      await s.stop();
      expect((await runtime(dataDir)).clusterDir).toBe(path.join(dataDir, 'pg'));
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
