import { once } from 'node:events';
import { Router, type Response } from 'express';
import { auditExportQuerySchema, auditQuerySchema } from '../../../contracts/index.ts';
import { exportAudit } from '../../commands/audit-export.ts';
import { verifyAuditChain } from '../../store/audit-verify-repo.ts';
import { listAudit } from '../../store/audit-read-repo.ts';
import { AUDIT_CSV_HEADER, auditCsvLine } from '../../store/audit-csv.ts';
import { actorOf, authorize } from '../auth.ts';
import { exportLimiter } from '../rate-limits.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The audit log for the audit administrator only (三权分立, GB/T 22239-2019
 * 8.1.4.2 d; 8.1.4.3 security audit). Reading is not audited row by row;
 * every export is (8.1.4.3 c: the records leave the system). docs/audit.md.
 */
export function auditRoutes({ db, clock, logger, config }: RouteDeps): Router {
  const r = Router();
  const exportLimit = exportLimiter(config);
  r.get('/api/audit', authorize(db, clock, 'audit.read'), async (req, res) => {
    res.json(await listAudit(db, parse(auditQuerySchema, req.query)));
  });
  r.get('/api/audit/verify', authorize(db, clock, 'audit.read'), async (_req, res) => {
    res.json(await verifyAuditChain(db));
  });
  r.get('/api/audit/export', authorize(db, clock, 'audit.export'), exportLimit, async (req, res) => {
    const q = parse(auditExportQuerySchema, req.query);
    // Recorded before the first byte leaves, so an export cut short is on record too.
    const rows = await exportAudit(db, clock.now(), actorOf(req), q, 'rest');
    const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
    res.status(200).type('text/csv; charset=utf-8').attachment(`audit-${stamp}.csv`);
    res.setHeader('cache-control', 'no-store');
    try {
      // A byte order mark so spreadsheet programs read the Chinese text as UTF-8.
      await write(res, `\uFEFF${AUDIT_CSV_HEADER}`);
      for await (const batch of rows) {
        if (res.destroyed) break;
        await write(res, batch.map(auditCsvLine).join(''));
      }
      res.end();
    } catch (e) {
      // Headers are gone: cut the connection so the client sees an incomplete file, not a short "complete" one.
      logger.error({ err: e }, 'audit export failed');
      res.destroy();
    }
  });
  return r;
}

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk) && !res.destroyed) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}
