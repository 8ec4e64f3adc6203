import type { Config } from '../../contracts/index.ts';
import type { Clock } from '../domain/clock.ts';
import { rotatePiiKey } from '../security/keys.ts';
import type { PiiAlgorithm, PiiCipher } from '../security/pii.ts';
import { recordAudit } from '../store/audit-repo.ts';
import {
  hasTotpColumn,
  lockTicketPiiBatch,
  lockTotpSecrets,
  updateTicketPii,
  updateTotpSecret,
} from '../store/pii-rows-repo.ts';
import { withTx, type Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * Personal-data key operations (docs/personal-data.md "Keys"; GB/T
 * 22239-2019 8.1.4.8 confidentiality), run by the CLI (`keys:rotate`,
 * `keys:reencrypt`). Neither returns key material; both are audited.
 */

/** Adds a random key version to DATA_DIR/keys.json; servers encrypt with it from their next start. */
export async function rotatePersonalDataKey(
  db: Db,
  config: Pick<Config, 'DATA_DIR'>,
  cipher: PiiAlgorithm,
  at: Date,
  actor: Actor,
): Promise<{ version: number; file: string }> {
  const r = await rotatePiiKey(config, cipher);
  await recordAudit(db, {
    at,
    ...actor,
    action: 'keys.rotate',
    target: `pii-key:${cipher}`,
    result: 'ok',
    detail: { cipher, version: r.version, via: 'cli' },
  });
  return r;
}

/**
 * Rewrites every ticket's personal data under the current cipher and
 * version, and recomputes the look-up key, so that after a cipher switch
 * look-ups match across old and new rows and old key versions hold no data
 * any more; the staff TOTP secrets (same cipher) too. A row that cannot be
 * decrypted is left as it is and counted (`failed`), never replaced by garbage.
 */
export async function reencryptPersonalData(
  db: Db,
  pii: PiiCipher,
  batch: number,
  clock: Clock,
  actor: Actor,
): Promise<{ scanned: number; rewritten: number; failed: number }> {
  const out = await reencryptTickets(db, pii, batch);
  const totp = await reencryptTotpSecrets(db, pii);
  out.rewritten += totp.rewritten;
  out.failed += totp.failed;
  await recordAudit(db, {
    at: clock.now(),
    ...actor,
    action: 'keys.reencrypt',
    target: 'tickets',
    result: out.failed ? 'failed' : 'ok',
    detail: { ...out, cipher: pii.current.algorithm, version: pii.current.version, via: 'cli' },
  });
  return out;
}

export async function reencryptTickets(
  db: Db,
  pii: PiiCipher,
  batch: number,
): Promise<{ scanned: number; rewritten: number; failed: number }> {
  let last = '00000000-0000-0000-0000-000000000000';
  let scanned = 0,
    rewritten = 0,
    failed = 0;
  for (;;) {
    const rows = await withTx(db, async (tx) => {
      const rows = await lockTicketPiiBatch(tx, last, batch);
      for (const row of rows) {
        const enc = [row.id_number_enc, row.name_enc, row.phone_enc];
        let idn: string | null;
        let next: (string | null)[];
        try {
          idn = row.id_number_enc === null ? null : pii.decrypt(row.id_number_enc);
          next = enc.map((v) => (v === null || pii.isCurrent(v) ? v : pii.encrypt(pii.decrypt(v))));
        } catch {
          failed++; // unknown version or tampered: left as it is, counted, never replaced by garbage
          continue;
        }
        const key = idn === null ? row.applicant_key : pii.lookupKey(idn);
        if (next.every((v, i) => v === enc[i]) && key === row.applicant_key) continue;
        await updateTicketPii(tx, row.id, next, key);
        rewritten++;
      }
      return rows;
    });
    scanned += rows.length;
    if (rows.length < batch) return { scanned, rewritten, failed };
    last = rows.at(-1)!.id;
  }
}

/** The TOTP secrets of staff accounts share the PII cipher (the TOTP second factor, docs/authentication.md); few rows, one transaction. */
async function reencryptTotpSecrets(db: Db, pii: PiiCipher): Promise<{ rewritten: number; failed: number }> {
  if (!(await hasTotpColumn(db))) return { rewritten: 0, failed: 0 };
  return withTx(db, async (tx) => {
    let rewritten = 0,
      failed = 0;
    for (const u of await lockTotpSecrets(tx)) {
      if (pii.isCurrent(u.totp_secret_enc)) continue;
      let next: string;
      try {
        next = pii.encrypt(pii.decrypt(u.totp_secret_enc));
      } catch {
        failed++;
        continue;
      }
      await updateTotpSecret(tx, u.id, next);
      rewritten++;
    }
    return { rewritten, failed };
  });
}
