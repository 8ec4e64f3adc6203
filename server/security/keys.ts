import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PiiKeys } from './pii.ts';

/**
 * PII keys come from configuration (PII_KEY, PII_HASH_KEY). For the demo, when
 * they are absent, keys are generated once into DATA_DIR/keys.json (mode 0600)
 * so `npm start` works on a fresh machine; production sets them (docs/operations.md).
 */
export async function loadPiiKeys(cfg: { PII_KEY?: string | undefined; PII_HASH_KEY?: string | undefined; DATA_DIR: string }): Promise<PiiKeys> {
  if (cfg.PII_KEY && cfg.PII_HASH_KEY) {
    return { encryption: new Map([[1, Buffer.from(cfg.PII_KEY, 'hex')]]), hash: Buffer.from(cfg.PII_HASH_KEY, 'hex') };
  }
  const file = path.resolve(cfg.DATA_DIR, 'keys.json');
  let stored: { encryption: Record<string, string>; hash: string };
  if (existsSync(file)) {
    stored = JSON.parse(await readFile(file, 'utf8')) as typeof stored;
  } else {
    await mkdir(path.dirname(file), { recursive: true });
    stored = { encryption: { 1: randomBytes(32).toString('hex') }, hash: randomBytes(32).toString('hex') };
    await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' }).catch(async () => {
      stored = JSON.parse(await readFile(file, 'utf8')) as typeof stored;
    });
  }
  const encryption = new Map(Object.entries(stored.encryption).map(([v, k]) => [Number(v), Buffer.from(k, 'hex')]));
  if (cfg.PII_KEY) encryption.set(Math.max(...encryption.keys()) + 1, Buffer.from(cfg.PII_KEY, 'hex'));
  return { encryption, hash: Buffer.from(cfg.PII_HASH_KEY ?? stored.hash, 'hex') };
}
