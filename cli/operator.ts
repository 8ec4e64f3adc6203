import { userInfo } from 'node:os';
import type { Actor } from '../server/commands/actor.ts';

/**
 * The CLI has no signed-in user: its audit rows name the operating-system
 * account that ran it, with `role` `operator` and no IP (docs/audit.md).
 */
export function cliOperator(): Actor {
  let os = 'unknown';
  try {
    os = userInfo().username;
  } catch {
    /* no passwd entry (container) */
  }
  return { userId: null, username: `os:${os}`, role: 'operator', ip: null };
}
