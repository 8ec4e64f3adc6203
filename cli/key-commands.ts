import { parseArgs } from 'node:util';
import { HallError, type Config } from '../contracts/index.ts';
import { systemClock } from '../server/domain/clock.ts';
import { reencryptPersonalData, rotatePersonalDataKey } from '../server/commands/personal-data-keys.ts';
import { loadPiiKeys } from '../server/security/keys.ts';
import { createPiiCipher, PII_ALGORITHMS, type PiiAlgorithm } from '../server/security/pii.ts';
import type { Db } from '../server/store/pool.ts';
import { cliOperator } from './operator.ts';

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
export const KEY_COMMANDS: Record<
  string,
  { usage: string; run(db: Db, args: string[], config: Config): Promise<unknown> }
> = {
  'keys:rotate': {
    usage:
      'keys:rotate [--cipher aes-256-gcm|sm4-cbc]   (new PII key version in DATA_DIR/keys.json; restart servers to encrypt with it)',
    async run(db, args, config) {
      const { values } = parseArgs({ args, options: { cipher: { type: 'string' } }, strict: true });
      const cipher = (values.cipher ?? config.PII_CIPHER) as PiiAlgorithm;
      if (!PII_ALGORITHMS.includes(cipher))
        throw new HallError('HALL_ERR_BAD_REQUEST', `cipher: one of ${PII_ALGORITHMS.join(', ')}`);
      const r = await rotatePersonalDataKey(db, config, cipher, systemClock.now(), cliOperator());
      return {
        cipher,
        version: r.version,
        file: r.file,
        encryptsNewData: cipher === config.PII_CIPHER ? 'from the next server start' : `only when PII_CIPHER=${cipher}`,
      };
    },
  },
  'keys:reencrypt': {
    usage:
      "keys:reencrypt [--batch <n>]   (rewrite tickets' personal data under the current PII_CIPHER and key version; run after restarting servers)",
    async run(db, args, config) {
      const { values } = parseArgs({ args, options: { batch: { type: 'string' } }, strict: true });
      const batch = Number(values.batch ?? 500);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
        throw new HallError('HALL_ERR_BAD_REQUEST', 'batch: an integer 1–10000');
      const pii = createPiiCipher(await loadPiiKeys(config));
      try {
        const out = await reencryptPersonalData(db, pii, batch, systemClock, cliOperator());
        return { cipher: pii.current.algorithm, version: pii.current.version, ...out };
      } finally {
        pii.wipe();
      }
    },
  },
};
