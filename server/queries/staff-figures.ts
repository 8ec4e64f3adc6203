import type { Db } from '../store/pool.ts';

/**
 * A staff member's own figures today on the console (001 §1.1.1.16: own figures
 * today — served, average handling time, ratings received; DOMAIN.md: the
 * caller shows current business, ratings, pressure value). Tickets carry the
 * user signed in when they were called / completed (`staff_user_id`,
 * migration 008), so "served" is the tickets this user completed (办结, any
 * outcome) in the hall day, and the handling time is ended − started over
 * those that were started. Ratings (好差评, DOMAIN.md "Reviews"): null until reviews land.
 */
export interface StaffFigures {
  served: number;
  avgHandlingMin: number | null;
}

export async function staffFiguresToday(db: Db, hallId: string, day: string, userId: number): Promise<StaffFigures> {
  const r = await db.query<{ served: number; avg_min: number | null }>({
    name: 'console-staff-figures',
    text: `SELECT count(*)::int AS served,
              (avg(extract(epoch FROM ended_at - started_at)) FILTER (WHERE started_at IS NOT NULL) / 60)::float8 AS avg_min
           FROM tickets WHERE hall_id = $1 AND day = $2 AND staff_user_id = $3 AND status = 'done'`,
    values: [hallId, day, userId],
  });
  const row = r.rows[0];
  const avg = row?.avg_min ?? null;
  return { served: row?.served ?? 0, avgHandlingMin: avg === null ? null : Math.round(avg * 10) / 10 };
}
