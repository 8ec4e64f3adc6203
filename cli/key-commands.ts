import { parseArgs } from 'node:util';
import { HallError, type Config } from '../contracts/index.ts';
import { systemClock } from '../server/domain/clock.ts';
import { loadPiiKeys, rotatePiiKey } from '../server/security/keys.ts';
import { createPiiCipher, PII_ALGORITHMS, type PiiAlgorithm } from '../server/security/pii.ts';
import { recordAudit } from '../server/store/audit-repo.ts';
import { withTx, type Db } from '../server/store/pool.ts';
import { cliOperator } from './device-commands.ts';

/**
 * Personal-data key commands (docs/personal-data.md "Keys"). Neither prints key
 * material. Both are audited under the operating-system account.
 *
 * - `keys:rotate` adds a random key version to `DATA_DIR/keys.json`; servers
 *   encrypt with it from their next start and keep reading every older version.
 * - `keys:reencrypt` (after the servers restarted) rewrites every ticket's
 *   personal data under the current cipher and version, and recomputes the
 *   look-up key, so that after a cipher switch look-ups match across old and
 *   new rows and old key versions hold no data any more. The staff TOTP
 *   secrets (`users.totp_secret_enc`, encrypted with the same cipher) are
 *   rewritten too.
 */
export const KEY_COMMANDS: Record<string, { usage: string; run(db: Db, args: string[], config: Config): Promise<unknown> }> = {
  'keys:rotate': {
    usage: 'keys:rotate [--cipher aes-256-gcm|sm4-cbc]   (new PII key version in DATA_DIR/keys.json; restart servers to encrypt with it)',
    async run(db, args, config) {
      const { values } = parseArgs({ args, options: { cipher: { type: 'string' } }, strict: true });
      const cipher = (values.cipher ?? config.PII_CIPHER) as PiiAlgorithm;
      if (!PII_ALGORITHMS.includes(cipher)) throw new HallError('HALL_ERR_BAD_REQUEST', `cipher: one of ${PII_ALGORITHMS.join(', ')}`);
      const r = await rotatePiiKey(config, cipher);
      await recordAudit(db, { at: systemClock.now(), ...cliOperator(), action: 'keys.rotate', target: `pii-key:${cipher}`, result: 'ok', detail: { cipher, version: r.version, via: 'cli' } });
      return {
        cipher, version: r.version, file: r.file,
        encryptsNewData: cipher === config.PII_CIPHER
          ? 'from the next server start'
          : `only when PII_CIPHER=${cipher}`,
      };
    },
  },
  'keys:reencrypt': {
    usage: 'keys:reencrypt [--batch <n>]   (rewrite tickets\' personal data under the current PII_CIPHER and key version; run after restarting servers)',
    async run(db, args, config) {
      const { values } = parseArgs({ args, options: { batch: { type: 'string' } }, strict: true });
      const batch = Number(values.batch ?? 500);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new HallError('HALL_ERR_BAD_REQUEST', 'batch: an integer 1–10000');
      const pii = createPiiCipher(await loadPiiKeys(config));
      try {
        const out = await reencryptTickets(db, pii, batch);
        const totp = await reencryptTotpSecrets(db, pii);
        out.rewritten += totp.rewritten;
        out.failed += totp.failed;
        await recordAudit(db, { at: systemClock.now(), ...cliOperator(), action: 'keys.reencrypt', target: 'tickets', result: out.failed ? 'failed' : 'ok', detail: { ...out, cipher: pii.current.algorithm, version: pii.current.version, via: 'cli' } });
        return { cipher: pii.current.algorithm, version: pii.current.version, ...out };
      } finally {
        pii.wipe();
      }
    },
  },
};

interface Row { id: string; applicant_key: string | null; id_number_enc: string | null; name_enc: string | null; phone_enc: string | null }

export async function reencryptTickets(db: Db, pii: ReturnType<typeof createPiiCipher>, batch: number): Promise<{ scanned: number; rewritten: number; failed: number }> {
  let last = '00000000-0000-0000-0000-000000000000';
  let scanned = 0, rewritten = 0, failed = 0;
  for (;;) {
    const rows = await withTx(db, async (tx) => {
      const r = await tx.query<Row>(
        `SELECT id::text, applicant_key, id_number_enc, name_enc, phone_enc FROM tickets
         WHERE id > $1 AND (id_number_enc IS NOT NULL OR name_enc IS NOT NULL OR phone_enc IS NOT NULL)
         ORDER BY id LIMIT $2 FOR UPDATE`, [last, batch]);
      for (const row of r.rows) {
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
        await tx.query('UPDATE tickets SET id_number_enc = $2, name_enc = $3, phone_enc = $4, applicant_key = $5 WHERE id = $1', [row.id, ...next, key]);
        rewritten++;
      }
      return r.rows;
    });
    scanned += rows.length;
    if (rows.length < batch) return { scanned, rewritten, failed };
    last = rows.at(-1)!.id;
  }
}

/** The TOTP secrets of staff accounts share the PII cipher (issue 3 second factor); few rows, one transaction. */
async function reencryptTotpSecrets(db: Db, pii: ReturnType<typeof createPiiCipher>): Promise<{ rewritten: number; failed: number }> {
  const has = await db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'totp_secret_enc'");
  if (!has.rowCount) return { rewritten: 0, failed: 0 };
  return withTx(db, async (tx) => {
    let rewritten = 0, failed = 0;
    const r = await tx.query<{ id: number; totp_secret_enc: string }>('SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL FOR UPDATE');
    for (const u of r.rows) {
      if (pii.isCurrent(u.totp_secret_enc)) continue;
      let next: string;
      try { next = pii.encrypt(pii.decrypt(u.totp_secret_enc)); } catch { failed++; continue; }
      await tx.query('UPDATE users SET totp_secret_enc = $2 WHERE id = $1', [u.id, next]);
      rewritten++;
    }
    return { rewritten, failed };
  });
}
