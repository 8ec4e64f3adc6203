import { recordAudit } from '../store/audit-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * A refused access as an audit row `permission.denied` (GB/T 22239-2019
 * 8.1.4.2 access control, 8.1.4.3 audit; docs/audit.md): a missing
 * permission or a hall, device or room outside the user's scope, whether
 * asked over REST (server/http/auth.ts `authorize`, the routes' own scope
 * checks) or on a socket (server/realtime/socket-server.ts). The row commits
 * on its own: the refusal changes nothing else.
 */
export async function recordDenial(
  db: Db,
  at: Date,
  actor: Actor,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await recordAudit(db, { at, ...actor, action: 'permission.denied', target, result: 'denied', detail });
}
