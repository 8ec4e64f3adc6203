import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { HallError } from '../../contracts/index.ts';

const run = promisify(execFile);

/**
 * Where the embedded PostgreSQL's binaries and data cluster live.
 *
 * PostgreSQL refuses to run as root, so a root process runs it as the system
 * user `postgres`. That user must be able to reach the binaries and the
 * cluster, and a checkout in root's home (0700) or a DATA_DIR under a mkdtemp
 * folder (0700) is out of its reach. Loosening those folders is not ours to
 * do: we did not create them. So, as root only, both move to a folder the
 * product creates and owns (docs/adr/0010-embedded-postgres-as-root.md):
 *
 *   /var/lib/hall-ops/            root 0711  (postgres may pass, not list)
 *     pg-bin/<version>/           root 0755  copy of the package's native/ folder
 *     pg/<cluster>/               postgres 0700, one data cluster per DATA_DIR
 *     pg/<cluster>.json           root 0600  which DATA_DIR owns the cluster
 *
 * DATA_DIR/postgres.json names the cluster, so restarts and the CLI find it.
 * Other users keep everything where it always was: the package's binaries and
 * DATA_DIR/pg.
 */
export const ROOT_HOME = '/var/lib/hall-ops';

export interface PgLayout {
  /** Folder holding initdb and postgres. */
  binDir: string;
  /** The data cluster (PGDATA). */
  clusterDir: string;
  /** The user the server runs as; absent when it runs as the current user. */
  runAs?: { uid: number; gid: number };
}

/** The package that ships PostgreSQL for this platform, as embedded-postgres picks it. */
export async function packagedBinaries(): Promise<{ binDir: string; nativeDir: string; version: string }> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let mod: { postgres?: string };
  try {
    mod = (await import(name)) as { postgres?: string };
  } catch (e) {
    throw new HallError(
      'HALL_ERR_CONFIG',
      `the embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${name}: ${(e as Error).message}); set DATABASE_URL to use another PostgreSQL`,
    );
  }
  if (!mod.postgres)
    throw new HallError('HALL_ERR_CONFIG', `${name} does not name its postgres binary; reinstall with npm ci`);
  const binDir = path.dirname(mod.postgres);
  const nativeDir = path.dirname(binDir);
  const pkg = JSON.parse(await readFile(path.join(path.dirname(nativeDir), 'package.json'), 'utf8')) as {
    version: string;
  };
  return { binDir, nativeDir, version: pkg.version };
}

/**
 * Which DATA_DIR a cluster under ROOT_HOME/pg belongs to, with the device
 * DATA_DIR lived on: a cluster is removed only when that DATA_DIR is gone from
 * a filesystem that is still mounted, never because a volume is missing.
 */
interface OwnerRecord {
  dataDir: string;
  dev: number;
  createdAt: string;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * The layout for `root` (the resolved DATA_DIR). `recorded` is the cluster
 * DATA_DIR/postgres.json names, if any. As root this installs the binaries,
 * creates the cluster folder for `postgres` and removes clusters whose
 * DATA_DIR was deleted.
 */
export async function preparePgLayout(
  root: string,
  recorded: string | undefined,
  log: (m: string) => void,
  home = ROOT_HOME,
): Promise<PgLayout> {
  const legacy = path.join(root, 'pg');
  const packaged = await packagedBinaries();
  if (!isRoot()) return { binDir: packaged.binDir, clusterDir: legacy };

  const runAs = await postgresUser();
  await mkdir(path.dirname(home), { recursive: true });
  await ownDir(home, 0o711);
  const binHome = path.join(home, 'pg-bin');
  const clusters = path.join(home, 'pg');
  await ownDir(binHome, 0o755);
  await ownDir(clusters, 0o711);
  const binDir = await installBinaries(packaged.nativeDir, packaged.version, binHome);
  await collectOrphans(clusters, root, log);

  let clusterDir: string;
  if (
    recorded &&
    (recorded === legacy || path.dirname(recorded) === clusters) &&
    /^[\w.-]+$/.test(path.basename(recorded))
  ) {
    clusterDir = recorded;
  } else if (existsSync(path.join(legacy, 'PG_VERSION'))) {
    // A cluster an earlier version made inside DATA_DIR stays where it is.
    clusterDir = legacy;
  } else {
    const label =
      path
        .basename(root)
        .replace(/[^\w.-]/g, '_')
        .slice(0, 40) || 'data';
    clusterDir = path.join(clusters, `${label}-${randomBytes(4).toString('hex')}`);
  }
  if (path.dirname(clusterDir) === clusters) {
    const owner = `${clusterDir}.json`;
    if (!existsSync(owner)) {
      const rec: OwnerRecord = { dataDir: root, dev: (await stat(root)).dev, createdAt: new Date().toISOString() };
      await writeFile(owner, JSON.stringify(rec), { mode: 0o600 });
    }
  }
  return { binDir, clusterDir, runAs };
}

/** The folder initdb may create into: owned by the server's user (initdb wants 0700). */
export async function prepareClusterDir(layout: PgLayout): Promise<void> {
  await rm(layout.clusterDir, { recursive: true, force: true });
  await mkdir(layout.clusterDir, { mode: 0o700 });
  if (layout.runAs) await chown(layout.clusterDir, layout.runAs.uid, layout.runAs.gid);
}

/** The uid and gid of `postgres`, created as a system user when missing (as embedded-postgres does). */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    /* no such user yet */
  }
  try {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', [
      '--system',
      '--gid',
      'postgres',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return await ids();
  } catch (e) {
    throw new HallError(
      'HALL_ERR_CONFIG',
      `PostgreSQL does not run as root and no user "postgres" exists or could be created (${(e as Error).message.split('\n')[0]}); create one, run as another user, or set DATABASE_URL`,
    );
  }
}

/**
 * A folder of ours, created with `mode` (set explicitly: the umask may be
 * 077). One that exists is used as it is, never chmod-ed: it must already let
 * `postgres` pass, and no one but root may write to it.
 */
async function ownDir(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir);
    await chmod(dir, mode);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new HallError(
        'HALL_ERR_CONFIG',
        `cannot create ${dir} for the embedded PostgreSQL (${(e as Error).message}); set DATABASE_URL to use another PostgreSQL`,
      );
  }
  const s = await lstat(dir);
  const problem = !s.isDirectory()
    ? 'is not a directory'
    : s.uid !== 0
      ? 'is not owned by root'
      : (s.mode & 0o022) !== 0
        ? 'is writable by group or others'
        : (s.mode & 0o001) === 0
          ? 'cannot be entered by user postgres'
          : '';
  if (problem) {
    throw new HallError(
      'HALL_ERR_CONFIG',
      `${dir} ${problem} (mode ${(s.mode & 0o777).toString(8)}); the embedded PostgreSQL runs as user postgres when started as root and keeps its files there. Fix or remove ${dir}, or set DATABASE_URL`,
    );
  }
}

/**
 * A copy of the package's native/ folder that `postgres` can read, one per
 * package version. Copied beside the target and renamed into place, so
 * processes starting at once never see half a copy.
 */
async function installBinaries(nativeDir: string, version: string, binHome: string): Promise<string> {
  const target = path.join(binHome, version.replace(/[^\w.-]/g, '_'));
  const marker = path.join(target, '.hall-ops-version');
  const done = async () =>
    existsSync(path.join(target, 'bin', 'postgres')) && (await readFile(marker, 'utf8').catch(() => '')) === version;
  if (await done()) return path.join(target, 'bin');
  for (const entry of await readdir(binHome)) {
    // Copies a crashed start left behind.
    if (entry.startsWith('.tmp-') && Date.now() - (await stat(path.join(binHome, entry))).mtimeMs > 10 * 60_000)
      await rm(path.join(binHome, entry), { recursive: true, force: true });
  }
  const tmp = path.join(binHome, `.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await cp(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    await openUp(tmp);
    await writeFile(marker.replace(target, tmp), version, { mode: 0o644 });
    if (existsSync(target) && !(await done())) await rm(target, { recursive: true, force: true });
    await rename(tmp, target).catch(async (e: NodeJS.ErrnoException) => {
      if (!(e.code === 'ENOTEMPTY' || e.code === 'EEXIST') || !(await done())) throw e;
    });
  } catch (e) {
    throw new HallError(
      'HALL_ERR_CONFIG',
      `cannot copy the embedded PostgreSQL's binaries to ${target} (${(e as Error).message}); set DATABASE_URL to use another PostgreSQL`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return path.join(target, 'bin');
}

/** Our copy: folders 0755, executables 0755, other files 0644, whatever the umask made of them. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) await openUp(p);
    else await chmod(p, (await stat(p)).mode & 0o100 ? 0o755 : 0o644);
  }
}

/**
 * Removes clusters whose DATA_DIR was deleted: without this every test run's
 * scratch DATA_DIR would leave a cluster behind. Kept: a cluster whose
 * DATA_DIR exists, whose filesystem is not the one mounted there now (an
 * unmounted volume), or whose server still runs.
 */
async function collectOrphans(clusters: string, self: string, log: (m: string) => void): Promise<void> {
  for (const entry of await readdir(clusters)) {
    if (!entry.endsWith('.json')) continue;
    const owner = path.join(clusters, entry);
    const dir = owner.slice(0, -'.json'.length);
    try {
      const rec = JSON.parse(await readFile(owner, 'utf8')) as OwnerRecord;
      if (rec.dataDir === self || existsSync(rec.dataDir)) continue;
      let up = path.dirname(rec.dataDir);
      while (!existsSync(up)) up = path.dirname(up);
      if ((await stat(up)).dev !== rec.dev) continue;
      if (await serverRuns(dir)) continue;
      await rm(dir, { recursive: true, force: true });
      await rm(owner, { force: true });
      log(`removed the embedded PostgreSQL cluster ${dir}: its DATA_DIR ${rec.dataDir} no longer exists`);
    } catch (e) {
      log(`could not check ${owner}: ${(e as Error).message}`);
    }
  }
}

async function serverRuns(clusterDir: string): Promise<boolean> {
  const pid = Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
