import type { ClickHouseClient } from '@clickhouse/client';
import { insertEvents, type EventRow } from './events-writer.ts';
import { chInstant } from './indicators/evaluate.ts';

/**
 * A SYNTHETIC history for the demo city (docs/analytics.md "Demo history": the leadership screens need
 * weeks of trends; a fresh demo has only today's simulated events). Generated
 * once, when the demo starts on an events table with nothing before today,
 * from the demo halls' real configuration (windows, items, departments, queues),
 * with the same event shapes the queue engine emits (contracts/queue-events.ts).
 * Only events the product emits today are generated: review, appointment and
 * case-flow indicators stay empty until those capabilities land. Seqs start
 * at 10^12 so they can never be mistaken for a hall's real seqs. Never run
 * outside SEED=demo; DEMO_HISTORY_DAYS=0 turns it off.
 *
 * For the models on the screen (docs/models.md "On the screens"): events at a
 * window carry the window's clerk as `staffId`; handling times scatter around
 * the item's standard minutes; and a share of the tickets carry a synthetic
 * applicant key (43 hex characters, the shape of the keyed look-up hash — not
 * derived from any ID number), some of them coming back for the same item
 * within days, so 跑多次 (multiple visits) has something to show.
 */
/** Share of tickets with an applicant key (an ID card read at the machine), and of those a return for a recent matter. */
const KEYED_SHARE = 0.3;
const RETURN_SHARE = 0.25;
const RETURN_WITHIN_DAYS = 14;
export interface DemoHall {
  id: string;
  /** Relative size: tickets a day = base × weight. */
  weight: number;
  /** `staffId`: the clerk who works the window (the staff dimension of rankings and efficiency); null at a point without one. */
  windows: { id: string; no: string; staffId?: string | null }[];
  /** `standardMin`: the item's standard handling minutes (migration 014); handling times scatter around it. */
  items: { code: string; queueId: string; departmentId: string; standardMin?: number | null }[];
}

/** Deterministic PRNG (mulberry32): the same demo every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Share of the day's tickets taken in each hour of the hall day 08:30–17:30 (a morning and an early-afternoon peak). */
const HOURS = [0.08, 0.15, 0.16, 0.12, 0.05, 0.12, 0.14, 0.12, 0.06];

export function demoHistoryRows(
  halls: readonly DemoHall[],
  opts: { days: number; perDay: number; todayStartUtc: number; tzOffsetMin: number },
): EventRow[] {
  const rows: EventRow[] = [];
  const rand = rng(20261128);
  // A PRNG of its own: the applicant keys do not move the rest of the history.
  const keyRand = rng(5204);
  const newKey = () => Array.from({ length: 43 }, () => Math.floor(keyRand() * 16).toString(16)).join('');
  for (const h of halls) {
    let seq = 1e12;
    /** Keys seen per item, with the day index: who might come back for the same matter. */
    const seen = new Map<string, { key: string; d: number }[]>();
    const applicantKeyFor = (itemCode: string, d: number): string | null => {
      if (keyRand() >= KEYED_SHARE) return null;
      const recent = (seen.get(itemCode) ?? []).filter((x) => x.d - d <= RETURN_WITHIN_DAYS && x.d > d);
      const key =
        recent.length > 0 && keyRand() < RETURN_SHARE ? recent[Math.floor(keyRand() * recent.length)]!.key : newKey();
      seen.set(itemCode, [...recent.slice(-200), { key, d }]);
      return key;
    };
    const push = (type: string, atMs: number, data: Record<string, unknown>, cols: Partial<EventRow> = {}) => {
      seq++;
      const at = new Date(atMs).toISOString();
      // The staff column as the relay sends it (contracts/event-columns.ts).
      const staff = typeof data.staffId === 'string' ? { staff_id: data.staffId } : {};
      rows.push({
        hall_id: h.id,
        seq,
        type,
        at,
        payload: JSON.stringify({ hallId: h.id, seq, at, type, data }),
        ...staff,
        ...cols,
      });
    };
    for (let d = opts.days; d >= 1; d--) {
      const dayStart = opts.todayStartUtc - d * 86_400_000;
      const weekday = new Date(dayStart + opts.tzOffsetMin * 60_000).getUTCDay();
      if (weekday === 0) continue; // closed on Sundays
      const open = dayStart + 8.5 * 3_600_000;
      const winOf = (w: DemoHall['windows'][number]) => ({
        windowId: w.id,
        windowNo: w.no,
        ...(w.staffId ? { staffId: w.staffId } : {}),
      });
      for (const w of h.windows) push('window.opened', open, winOf(w), { window_id: w.id });
      const tickets = Math.round(
        opts.perDay * h.weight * (weekday === 6 ? 0.4 : weekday === 1 ? 1.25 : 1) * (0.85 + rand() * 0.3),
      );
      const counters = new Map<string, number>();
      for (let i = 0; i < tickets && h.windows.length > 0 && h.items.length > 0; i++) {
        let u = rand();
        let hour = 0;
        while (hour < HOURS.length - 1 && u > HOURS[hour]!) {
          u -= HOURS[hour]!;
          hour++;
        }
        const taken = open + (hour + rand()) * 3_600_000;
        const item = h.items[Math.floor(rand() * h.items.length)]!;
        const w = h.windows[Math.floor(rand() * h.windows.length)]!;
        const n = (counters.get(item.queueId) ?? 0) + 1;
        counters.set(item.queueId, n);
        const ticketId = `demo-${h.id}-${d}-${i}`;
        const ticketNo = `${item.queueId.slice(-1)}${String(n).padStart(3, '0')}`;
        const busy = hour === 1 || hour === 2 || hour === 6 ? 1.8 : 1;
        const waitMin = Math.round(rand() * rand() * 45 * busy * 100) / 100;
        const u2 = rand();
        const serviceMin =
          Math.round((item.standardMin ? item.standardMin * (0.6 + u2 * 0.8) : 3 + u2 * 14) * 100) / 100;
        const win = winOf(w);
        const applicantKey = applicantKeyFor(item.code, d);
        push(
          'ticket.issued',
          taken,
          {
            ticketId,
            ticketNo,
            queueId: item.queueId,
            itemCode: item.code,
            deviceId: null,
            waiting: 0,
            issuedToday: n,
            applicantKey,
            class: 'walk-in',
          },
          { item_code: item.code },
        );
        const called = taken + waitMin * 60_000;
        push(
          'ticket.called',
          called,
          {
            ticketId,
            ticketNo,
            ...win,
            queueId: item.queueId,
            class: 'walk-in',
            waitedMin: waitMin,
            call: 1,
            outOfOrder: false,
          },
          { window_id: w.id, waited_min: waitMin, call_no: 1 },
        );
        if (rand() < 0.05) {
          push(
            'ticket.skipped',
            called + 120_000,
            { ticketId, ticketNo, ...win, skipCount: 1, then: 'drop' },
            { window_id: w.id },
          );
          push('ticket.dropped', called + 120_000, { ticketId, ticketNo, queueId: item.queueId, reason: 'no-show' });
          continue;
        }
        const started = called + 60_000;
        const ended = started + serviceMin * 60_000;
        push('service.started', started, { ticketId, ticketNo, ...win }, { window_id: w.id });
        push(
          'ticket.completed',
          ended,
          { ticketId, ticketNo, ...win, queueId: item.queueId, itemCode: item.code, outcome: 'done', serviceMin },
          { window_id: w.id, item_code: item.code, service_min: serviceMin },
        );
        push(
          'case.opened',
          ended,
          {
            ticketId,
            ticketNo,
            ...win,
            caseId: `${ticketId}-case`,
            queueId: item.queueId,
            itemCode: item.code,
            departmentId: item.departmentId,
            outcome: 'done',
            takenAt: new Date(taken).toISOString(),
            calledAt: new Date(called).toISOString(),
            startedAt: new Date(started).toISOString(),
            endedAt: new Date(ended).toISOString(),
          },
          { window_id: w.id, item_code: item.code, department_id: item.departmentId },
        );
        push('rating.prompt', ended, { ticketId, ticketNo, ...win, raterDeviceId: null }, { window_id: w.id });
      }
      for (const w of h.windows) push('window.closed', open + 9 * 3_600_000, winOf(w), { window_id: w.id });
    }
  }
  return rows;
}

/** True when `events` holds nothing before `beforeIso` (a fresh demo, or one started today for the first time). */
export async function hasNoHistory(ch: ClickHouseClient, beforeIso: string): Promise<boolean> {
  const r = await (
    await ch.query({
      query: 'SELECT count() AS n FROM events WHERE at < {before:DateTime64(3)}',
      query_params: { before: chInstant(beforeIso) },
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return Number(r[0]?.n ?? 0) === 0;
}

/** Inserts the rows in batches; each batch its own deduplication token, so a restart mid-way does not double them. */
export async function writeDemoHistory(ch: ClickHouseClient, rows: readonly EventRow[], batch = 20_000): Promise<void> {
  for (let i = 0; i < rows.length; i += batch)
    await insertEvents(ch, rows.slice(i, i + batch), `demo-history-${i}-${rows.length}`);
}
