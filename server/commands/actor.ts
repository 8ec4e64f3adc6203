/**
 * Who acts, for the audit row (GB/T 22239-2019 8.1.4.3 b: who, when, what,
 * the outcome): `actorOf(req)` for REST, the socket's user, the CLI's
 * operating-system account (cli/operator.ts).
 */
export interface Actor {
  userId: number | null;
  username: string | null;
  role: string | null;
  ip: string | null;
}

/** A signed-in staff member acting from `ip`. */
export function staffActor(u: { userId: number; username: string; role: string }, ip: string | null): Actor {
  return { userId: u.userId, username: u.username, role: u.role, ip };
}
