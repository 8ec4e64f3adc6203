import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HallError } from '../../contracts/index.ts';
import type { PiiAlgorithm, PiiKeys, Sm4Key } from './pii.ts';

/**
 * The PII key ring, `DATA_DIR/keys.json` (mode 0600):
 * `{ encryption: {"1": aesHex, …}, hash: hex, sm4: {"1": {enc: hex, mac: hex}, …} }`.
 * Versions are never renumbered or dropped here, so every stored `v{n}:` /
 * `s{n}:` value stays readable (docs/personal-data.md).
 *
 * - Keys come from configuration: `PII_KEY` (AES, 32 bytes), `PII_SM4_KEY`
 *   (16 bytes) with `PII_SM4_MAC_KEY` (32 bytes; derived from the SM4 key with
 *   HKDF-SM3 when absent), `PII_HASH_KEY` (look-up hash, 32 bytes).
 * - A configured cipher key not yet in the ring is added as that algorithm's
 *   newest version and written to the ring: a later rotation to yet another
 *   key keeps it for reading.
 * - The newest version of the algorithm `PII_CIPHER` names encrypts; when that
 *   algorithm has no key at all, one is generated into the ring (demo start on
 *   a fresh machine). `rotatePiiKey` (CLI `keys:rotate`) adds a random version.
 * - Changes to the ring happen under a lock file and re-read the ring first,
 *   so a server and the CLI starting together agree on every version.
 */
export interface PiiKeyConfig {
  DATA_DIR: string;
  PII_CIPHER?: PiiAlgorithm | undefined;
  PII_KEY?: string | undefined;
  PII_HASH_KEY?: string | undefined;
  PII_SM4_KEY?: string | undefined;
  PII_SM4_MAC_KEY?: string | undefined;
}

interface Ring {
  encryption?: Record<string, string>;
  hash?: string;
  sm4?: Record<string, { enc: string; mac: string }>;
}

export function keyRingFile(dataDir: string): string {
  return path.resolve(dataDir, 'keys.json');
}

/** The SM4 MAC key when only `PII_SM4_KEY` is configured: HKDF-SM3(ikm = SM4 key, info = purpose). */
export function deriveSm4MacKey(sm4Key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sm3', sm4Key, Buffer.alloc(0), 'hall-pii/sm4-cbc/hmac-sm3-key/v1', 32));
}

export async function loadPiiKeys(cfg: PiiKeyConfig): Promise<PiiKeys> {
  const cipher = cfg.PII_CIPHER ?? 'aes-256-gcm';
  const file = keyRingFile(cfg.DATA_DIR);
  const configuredSm4 = configuredSm4Key(cfg);
  const apply = (ring: Ring): boolean => {
    let changed = false;
    if (
      cfg.PII_KEY &&
      !Object.values(ring.encryption ?? {}).some((k) => k.toLowerCase() === cfg.PII_KEY!.toLowerCase())
    ) {
      ring.encryption = { ...ring.encryption, [nextVersion(ring.encryption)]: cfg.PII_KEY.toLowerCase() };
      changed = true;
    }
    if (configuredSm4 && !Object.values(ring.sm4 ?? {}).some((k) => k.enc.toLowerCase() === configuredSm4.enc)) {
      ring.sm4 = { ...ring.sm4, [nextVersion(ring.sm4)]: configuredSm4 };
      changed = true;
    }
    if (!cfg.PII_HASH_KEY && !ring.hash) {
      ring.hash = randomBytes(32).toString('hex');
      changed = true;
    }
    if (cipher === 'aes-256-gcm' && isEmpty(ring.encryption)) {
      ring.encryption = { 1: randomBytes(32).toString('hex') };
      changed = true;
    }
    if (cipher === 'sm4-cbc' && isEmpty(ring.sm4)) {
      ring.sm4 = { 1: { enc: randomBytes(16).toString('hex'), mac: randomBytes(32).toString('hex') } };
      changed = true;
    }
    return changed;
  };
  // Only take the lock when the ring must change (first start, a new configured key).
  let ring = await readRing(file);
  if (apply(structuredClone(ring)))
    ring = await updateRing(file, (r) => {
      apply(r);
    });
  return toKeys(ring, cfg.PII_HASH_KEY, cipher);
}

/** Adds a new random key version of `algorithm` to the ring; the server encrypts with it from its next start. */
export async function rotatePiiKey(
  cfg: { DATA_DIR: string },
  algorithm: PiiAlgorithm,
): Promise<{ algorithm: PiiAlgorithm; version: number; file: string }> {
  const file = keyRingFile(cfg.DATA_DIR);
  let version = 0;
  await updateRing(file, (r) => {
    if (algorithm === 'aes-256-gcm') {
      version = nextVersion(r.encryption);
      r.encryption = { ...r.encryption, [version]: randomBytes(32).toString('hex') };
    } else {
      version = nextVersion(r.sm4);
      r.sm4 = { ...r.sm4, [version]: { enc: randomBytes(16).toString('hex'), mac: randomBytes(32).toString('hex') } };
    }
  });
  return { algorithm, version, file };
}

function configuredSm4Key(cfg: PiiKeyConfig): { enc: string; mac: string } | null {
  if (!cfg.PII_SM4_KEY) {
    if (cfg.PII_SM4_MAC_KEY)
      throw new HallError('HALL_ERR_CONFIG', 'invalid configuration: PII_SM4_MAC_KEY: needs PII_SM4_KEY');
    return null;
  }
  const enc = cfg.PII_SM4_KEY.toLowerCase();
  const mac = cfg.PII_SM4_MAC_KEY?.toLowerCase() ?? deriveSm4MacKey(Buffer.from(enc, 'hex')).toString('hex');
  return { enc, mac };
}

function toKeys(ring: Ring, hashKey: string | undefined, cipher: PiiAlgorithm): PiiKeys {
  const encryption = new Map(Object.entries(ring.encryption ?? {}).map(([v, k]) => [Number(v), Buffer.from(k, 'hex')]));
  const sm4 = new Map<number, Sm4Key>(
    Object.entries(ring.sm4 ?? {}).map(([v, k]) => [
      Number(v),
      { enc: Buffer.from(k.enc, 'hex'), mac: Buffer.from(k.mac, 'hex') },
    ]),
  );
  return { encryption, sm4, hash: Buffer.from(hashKey ?? ring.hash!, 'hex'), cipher };
}

function isEmpty(o: Record<string, unknown> | undefined): boolean {
  return !o || Object.keys(o).length === 0;
}

function nextVersion(o: Record<string, unknown> | undefined): number {
  return Math.max(0, ...Object.keys(o ?? {}).map(Number)) + 1;
}

async function readRing(file: string): Promise<Ring> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Ring;
  } catch (e) {
    throw new Error(`PII key ring ${file} is unreadable: ${(e as Error).message}`, { cause: e });
  }
}

/** Read-modify-write of the ring under `keys.json.lock`, written atomically (temp file + rename, mode 0600). */
async function updateRing(file: string, change: (ring: Ring) => void): Promise<Ring> {
  await mkdir(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than 10 s belongs to a process that died while holding it.
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 10_000) await rm(lock, { force: true });
      else if (attempt > 400) throw new Error(`PII key ring is locked (${lock})`, { cause: e });
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    const ring = await readRing(file);
    change(ring);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(ring), { mode: 0o600 });
    await rename(tmp, file);
    return ring;
  } finally {
    await rm(lock, { force: true });
  }
}
