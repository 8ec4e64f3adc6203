import { HallError } from '../../../contracts/index.ts';
import { validateHallConfig, type ConfigProblem } from '../../domain/queue/index.ts';
import { hallDay } from '../../domain/hall-time.ts';
import { recordAudit } from '../../store/audit-repo.ts';
import { bumpConfigVersion, bumpQueueStateVersion, lockHallRow } from '../../store/hall-config-version-repo.ts';
import { restProblemCode } from '../../store/hall-config-view-repo.ts';
import { loadHallQueueConfig } from '../../store/queue-config-repo.ts';
import { ensureQueueStateRow } from '../../store/queue-state-repo.ts';
import { withTx, type Db, type Tx } from '../../store/pool.ts';
import type { Actor } from '../actor.ts';
import { refuse, translatePg } from './refuse.ts';

/**
 * The queue configuration admin's writes (docs/admin.md; 001 §1.1.1.17
 * 队列配置 / 窗口配置). Every change is ONE transaction:
 *
 *   lock the hall's queue state row, then the hall row (the queue service's
 *   lock order), so no queue operation runs half on the old configuration;
 *   write; load the hall's resulting configuration in the transaction and
 *   validate it with the engine's own rules (validateHallConfig); a problem
 *   the change brought → ROLLBACK and a coded refusal listing the problems;
 *   otherwise bump `halls.config_version` (every process's queue service
 *   reloads on the next operation), append the audit row, COMMIT.
 *
 * Changes take effect for the next operation; tickets already taken keep
 * their numbers and queues (docs/admin.md). The changes themselves (what to
 * check and write) are the sibling files; their SQL is in server/store/.
 */

export type ConfigActor = Actor;
export interface ConfigChangeCtx {
  db: Db;
  tz: string;
  now: Date;
  actor: ConfigActor;
}

export interface Change {
  /** Audit target, e.g. `queue:h-east-qB`. */
  target: string;
  /** What changed, for the audit row. */
  detail: Record<string, unknown>;
  deleting?: boolean;
  write(tx: Tx): Promise<void>;
}

/**
 * Runs one configuration change as described above and returns the new
 * configuration version. Problems the configuration already had before the
 * change do not block it (so an administrator can repair a hall step by
 * step); only new ones refuse it.
 */
export async function changeHallConfig(ctx: ConfigChangeCtx, hallId: string, change: Change): Promise<number> {
  // The queue service's state row must exist before we can lock it (a hall nobody operated yet).
  await ensureQueueStateRow(ctx.db, hallId, hallDay(ctx.now, ctx.tz)).catch((e: unknown) => {
    if ((e as { code?: string }).code === '23503') refuse('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    throw e;
  });
  return withTx(ctx.db, async (tx) => {
    // Lock order of the queue service (docs/architecture.md "Ordering"): queue state row, then the hall row.
    await bumpQueueStateVersion(tx, hallId);
    if (!(await lockHallRow(tx, hallId))) refuse('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    const before = await loadHallQueueConfig(tx, hallId, ctx.tz);
    const known = new Set(validateHallConfig(before!.config).map(key));

    // A failed statement aborts the transaction; a savepoint is not needed since we refuse anyway.
    try {
      await change.write(tx);
    } catch (e) {
      if (e instanceof HallError) throw e;
      translatePg(e, change.deleting ?? false);
    }

    const after = await loadHallQueueConfig(tx, hallId, ctx.tz);
    const fresh = validateHallConfig(after!.config).filter((p) => !known.has(key(p)));
    const first = fresh[0];
    if (first) {
      refuse(
        first.code,
        `the change would break the queue configuration: ${fresh.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        fresh.map((p) => ({ ...p, code: restProblemCode(p.code) })),
      );
    }
    const version = await bumpConfigVersion(tx, hallId);
    await recordAudit(tx, {
      at: ctx.now,
      ...ctx.actor,
      action: 'config.change',
      target: `hall:${hallId}/${change.target}`,
      result: 'ok',
      detail: { hallId, configVersion: version, ...change.detail },
    });
    return version;
  });
}

/** Problems compared without their list index (an insert shifts indices). */
function key(p: ConfigProblem): string {
  return `${p.code}|${p.message}`;
}
