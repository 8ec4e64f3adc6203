import type { PeriodsBody } from '../../../contracts/config-admin.ts';
import { replaceWindowPeriods } from '../../store/window-periods-repo.ts';
import type { Change } from './change-hall-config.ts';
import { mustBelong } from './refs.ts';
import { refuse } from './refuse.ts';

/**
 * Replaces the window's whole period list (按时间段). The list's own rules
 * (order, overlap, a queue twice) are checked before the write, queues of
 * other halls or of nothing are 404, and the engine's validator checks the
 * result like every change.
 */
export function replacePeriods(hallId: string, windowId: string, b: PeriodsBody): Change {
  return {
    target: `window:${windowId}/periods`,
    detail: { op: 'window.periods', windowId, periods: b.periods },
    async write(tx) {
      await mustBelong(tx, 'windows', windowId, hallId);
      // The list's own rules first (pure), so an overlap of equal starts is named as an overlap, not a key clash.
      b.periods.forEach((p, i) => {
        if (p.from >= p.to)
          refuse('HALL_ERR_BAD_REQUEST', `periods[${i}] ${p.from}–${p.to} is empty or crosses midnight`);
        // window_periods holds one row per queue: a period without one would vanish silently.
        if (p.queues.length === 0)
          refuse(
            'HALL_ERR_BAD_REQUEST',
            `periods[${i}] lists no queue; leave the time out instead (outside its periods a window serves nothing)`,
          );
        const ids = p.queues.map((q) => q.queueId);
        if (new Set(ids).size !== ids.length) refuse('HALL_ERR_CONFLICT', `periods[${i}] lists a queue twice`);
      });
      const spans = b.periods
        .map((p, i) => ({ i, from: p.from, to: p.to }))
        .sort((x, y) => x.from.localeCompare(y.from));
      for (let k = 1; k < spans.length; k++) {
        const a = spans[k - 1]!,
          c = spans[k]!;
        if (c.from < a.to)
          refuse('HALL_ERR_CONFLICT', `periods[${c.i}] ${c.from}–${c.to} overlaps periods[${a.i}] ${a.from}–${a.to}`);
      }
      for (const p of b.periods) for (const q of p.queues) await mustBelong(tx, 'queues', q.queueId, hallId);
      await replaceWindowPeriods(
        tx,
        windowId,
        b.periods.flatMap((p) =>
          p.queues.map((q) => ({ from: p.from, to: p.to, queueId: q.queueId, weight: q.weight })),
        ),
      );
    },
  };
}
