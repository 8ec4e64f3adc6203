import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PiiKeys } from './pii.ts';

interface StoredKeys { encryption: Record<string, string>; hash: string }

/**
 * PII keys come from configuration (PII_KEY, PII_HASH_KEY). When they are
 * absent, keys are generated once into DATA_DIR/keys.json (mode 0600) so that
 * `npm start` works on a fresh machine (demo only; docs/operations.md).
 * Rotation: a new PII_KEY becomes the newest version and encrypts; the
 * versions already in keys.json stay available, so old rows stay readable.
 */
export async function loadPiiKeys(cfg: { PII_KEY?: string | undefined; PII_HASH_KEY?: string | undefined; DATA_DIR: string }): Promise<PiiKeys> {
  const file = path.resolve(cfg.DATA_DIR, 'keys.json');
  let stored: StoredKeys | null = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) as StoredKeys : null;
  if (!stored && !(cfg.PII_KEY && cfg.PII_HASH_KEY)) {
    await mkdir(path.dirname(file), { recursive: true });
    const fresh: StoredKeys = { encryption: { 1: randomBytes(32).toString('hex') }, hash: randomBytes(32).toString('hex') };
    // 'wx': if another process wrote it first, use theirs.
    stored = await writeFile(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' })
      .then(() => fresh, async () => JSON.parse(await readFile(file, 'utf8')) as StoredKeys);
  }
  const encryption = new Map(Object.entries(stored?.encryption ?? {}).map(([v, k]) => [Number(v), Buffer.from(k, 'hex')]));
  if (cfg.PII_KEY) {
    const key = Buffer.from(cfg.PII_KEY, 'hex');
    if (![...encryption.values()].some((k) => k.equals(key))) encryption.set(Math.max(0, ...encryption.keys()) + 1, key);
  }
  return { encryption, hash: Buffer.from(cfg.PII_HASH_KEY ?? stored!.hash, 'hex') };
}
