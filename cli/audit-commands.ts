import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { auditExportQuerySchema, HallError, type Config } from '../contracts/index.ts';
import { systemClock } from '../server/domain/clock.ts';
import { exportAudit } from '../server/commands/audit-export.ts';
import { pruneAudit } from '../server/commands/prune-audit.ts';
import { verifyAuditChain } from '../server/store/audit-verify-repo.ts';
import { AUDIT_CSV_HEADER, auditCsvLine } from '../server/store/audit-csv.ts';
import type { Db } from '../server/store/pool.ts';
import { cliOperator } from './operator.ts';
import { CliOutput } from './output.ts';

/**
 * Audit log operator commands (GB/T 22239-2019 8.1.4.3; docs/audit.md).
 * The CLI has no signed-in user: its audit rows name the operating-system
 * account that ran it (cli/operator.ts).
 */

export const AUDIT_COMMANDS: Record<
  string,
  { usage: string; run(db: Db, args: string[], config: Config): Promise<unknown> }
> = {
  'audit:verify': {
    usage: 'audit:verify   (exit 1 when the chain is broken)',
    async run(db) {
      const r = await verifyAuditChain(db);
      return CliOutput.json(r, r.ok ? 0 : 1);
    },
  },
  'audit:export': {
    usage: 'audit:export [--from <ISO time>] [--to <ISO time>]   (CSV on stdout)',
    async run(db, args) {
      const { values } = parseArgs({
        args,
        options: { from: { type: 'string' }, to: { type: 'string' } },
        strict: true,
      });
      const r = auditExportQuerySchema.safeParse({
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
      });
      if (!r.success)
        throw new HallError(
          'HALL_ERR_BAD_REQUEST',
          r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const q = r.data;
      // An export takes the records out of the system: it is audited like the REST one.
      const rows = await exportAudit(db, systemClock.now(), cliOperator(), q, 'cli');
      return new CliOutput(async (out) => {
        const put = async (s: string) => {
          if (!out.write(s)) await once(out, 'drain');
        };
        await put(AUDIT_CSV_HEADER);
        for await (const batch of rows) await put(batch.map(auditCsvLine).join(''));
      });
    },
  },
  'audit:prune': {
    usage: 'audit:prune    (removes rows older than AUDIT_RETENTION_DAYS)',
    async run(db, args, config) {
      parseArgs({ args, options: {}, strict: true });
      return pruneAudit(db, {
        now: systemClock.now(),
        retentionDays: config.AUDIT_RETENTION_DAYS,
        actor: cliOperator(),
      });
    },
  },
};
