import { z } from 'zod';
import { domainEventSchema, type DomainEvent } from '../../contracts/events.ts';
import type { DeviceKind } from '../../contracts/ids.ts';
import { indicatorEventSchema, type IndicatorEvent, type IndicatorScope } from '../../contracts/indicators.ts';

/**
 * A small fixed event set, written by hand, on which every catalog indicator
 * has a value worked out on paper (tests/e2e/indicators.test.ts; the timeline
 * is told in docs/indicators.md "Fixture events"). Two halls in scope, h-city
 * and h-east, one hall day (2026-11-23, Asia/Shanghai); the scope is
 * 01:00–05:00 UTC (09:00–13:00 hall time). Around it, on purpose: events
 * before `from` that set a state (devices, bookings, rectification orders),
 * events after `to`, events of the previous hall day, and a third hall
 * h-west outside the scope — each of which would change a value if an
 * indicator read it. Fields no indicator reads carry neutral values.
 * Every event is parsed with its contract schema, so the fixtures cannot
 * drift from contracts/.
 */

export type FixtureEvent = DomainEvent | IndicatorEvent;
type FixtureType = FixtureEvent['type'];
type DataOf<T extends FixtureType> = (FixtureEvent & { type: T })['data'];

export const FIXTURE_SCOPE: IndicatorScope = {
  hallIds: ['h-city', 'h-east'],
  from: '2026-11-23T01:00:00.000Z',
  to: '2026-11-23T05:00:00.000Z',
  tz: 'Asia/Shanghai',
};

/** `at('01:05')` is 2026-11-23T01:05Z; another day is given in full. */
const at = (hhmm: string, day = '2026-11-23'): string => `${day}T${hhmm}:00.000Z`;

interface Raw {
  readonly hallId: string;
  readonly at: string;
  readonly type: FixtureType;
  readonly data: unknown;
}
type Ticket = { readonly ticketId: string; readonly ticketNo: string };
type WindowRef = { readonly windowId: string; readonly windowNo: string };
const tk = (ticketId: string, ticketNo: string): Ticket => ({ ticketId, ticketNo });
const win = (windowId: string, windowNo: string): WindowRef => ({ windowId, windowNo });
const display = (t: Ticket, w: WindowRef) => {
  const text = `请${t.ticketNo}号到${w.windowNo}号窗口办理`;
  return { text, voice: text };
};

/** One hall's events, in any order; `fixtureEvents` sorts them by time and numbers them (seq). */
class Hall {
  /** Calls per ticket so far: the engine numbers a ticket's calls (`call`); each ticket's lines here are written in time order. */
  private readonly calls = new Map<string, number>();
  constructor(
    private readonly hallId: string,
    private readonly raws: Raw[],
  ) {}
  add<T extends FixtureType>(when: string, type: T, data: DataOf<T>): this {
    this.raws.push({ hallId: this.hallId, at: when, type, data });
    return this;
  }
  issue(when: string, t: Ticket, queueId = 'q-a'): this {
    return this.add(when, 'ticket.issued', {
      ...t,
      queueId,
      itemCode: 'ZH-001',
      deviceId: null,
      waiting: 0,
      issuedToday: 0,
      applicantKey: null,
    });
  }
  call(when: string, t: Ticket, w: WindowRef, waitedMin: number, queueId = 'q-a'): this {
    const call = (this.calls.get(t.ticketId) ?? 0) + 1;
    this.calls.set(t.ticketId, call);
    return this.add(when, 'ticket.called', {
      ...t,
      ...w,
      queueId,
      class: 'walk-in',
      waitedMin,
      call,
      outOfOrder: false,
      display: display(t, w),
    });
  }
  start(when: string, t: Ticket, w: WindowRef): this {
    return this.add(when, 'service.started', { ...t, ...w });
  }
  complete(when: string, t: Ticket, w: WindowRef, serviceMin: number, queueId = 'q-a'): this {
    return this.add(when, 'ticket.completed', { ...t, ...w, queueId, itemCode: 'ZH-001', outcome: 'done', serviceMin });
  }
  skip(when: string, t: Ticket, w: WindowRef, then: 'return' | 'drop'): this {
    this.add(when, 'ticket.skipped', {
      ...t,
      ...w,
      skipCount: 1,
      then,
      ...(then === 'return' ? { returnAfterCalls: 2 } : {}),
    });
    return then === 'drop' ? this.add(when, 'ticket.dropped', { ...t, queueId: 'q-a', reason: 'no-show' }) : this;
  }
  window(when: string, w: WindowRef, what: 'opened' | 'paused' | 'resumed' | 'closed'): this {
    return this.add(when, `window.${what}`, w);
  }
  presence(when: string, deviceId: string, kind: DeviceKind, online: boolean): this {
    return this.add(when, online ? 'device.online' : 'device.offline', { deviceId, kind });
  }
  zones(when: string, deviceId: string, counts: Readonly<Record<string, number>>): this {
    return this.add(when, 'zone.counted', {
      deviceId,
      zones: Object.entries(counts).map(([zone, people]) => ({ zone, people })),
    });
  }
  paper(when: string, deviceId: string, paper: 'ok' | 'low' | 'out'): this {
    return this.add(when, 'device.status', {
      deviceId,
      kind: 'ticketer',
      status: { paper, printer: 'ok', reader: 'ok' },
    });
  }
  review(
    when: string,
    reviewId: string,
    level: number,
    channel: DataOf<'review.submitted'>['channel'],
    active: boolean,
    tags: string[] = [],
  ): this {
    return this.add(when, 'review.submitted', {
      reviewId,
      caseId: `k-${reviewId}`,
      windowId: null,
      level,
      tags,
      channel,
      isDefault: false,
      active,
    });
  }
  defaultReview(when: string, reviewId: string): this {
    return this.add(when, 'review.submitted', {
      reviewId,
      caseId: `k-${reviewId}`,
      windowId: null,
      level: 3,
      tags: [],
      channel: 'system',
      isDefault: true,
      active: false,
    });
  }
  rectification(opened: string, reviewId: string, dueAt: string, rectifiedAt?: string): this {
    this.add(opened, 'review.rectification-opened', { reviewId, departmentId: 'd-market', dueAt });
    return rectifiedAt === undefined ? this : this.add(rectifiedAt, 'review.rectified', { reviewId, dueAt });
  }
  booking(booked: string, appointmentId: string, slotStart: string, slotEnd: string): this {
    return this.add(booked, 'appointment.booked', { appointmentId, itemCode: 'ZH-001', slotStart, slotEnd });
  }
  concluded(when: string, caseId: string, promisedDueAt: string, legalDueAt: string): this {
    return this.add(when, 'case.concluded', {
      caseId,
      itemCode: 'ZH-001',
      departmentId: 'd-market',
      acceptedAt: at('01:00', '2026-11-16'),
      promisedDueAt,
      legalDueAt,
      result: 'approved',
    });
  }
  uploaded(when: string, caseId: string, concludedAt: string): this {
    return this.add(when, 'case.uploaded', { caseId, concludedAt, uploadedAt: when });
  }
}

const raws: Raw[] = [];
const city = new Hall('h-city', raws);
const east = new Hall('h-east', raws);
const west = new Hall('h-west', raws);

// ── queue, h-city ────────────────────────────────────────────────────────
const [c1, c2, c3, c4] = [win('w-c1', '1'), win('w-c2', '2'), win('w-c3', '3'), win('w-c4', '4')];
const stale = win('w-c5', '5');
const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9] = [
  'A001',
  'A002',
  'A003',
  'A004',
  'A005',
  'A006',
  'A007',
  'A008',
  'A009',
  'A010',
].map((no, i) => tk(`c-0${i}`, no)) as [Ticket, Ticket, Ticket, Ticket, Ticket, Ticket, Ticket, Ticket, Ticket, Ticket];
const prevDayTicket = tk('c-prev', 'A099');
city
  // Previous hall day (2026-11-22 local): a window never closed and a ticket never finished.
  .window(at('01:00', '2026-11-22'), stale, 'opened')
  .issue(at('08:00', '2026-11-22'), prevDayTicket)
  .window(at('00:50'), c1, 'opened')
  .window(at('00:58'), c2, 'opened')
  .window(at('01:00'), c3, 'opened')
  // A001: called before `from`, completed inside it.
  .issue(at('00:40'), a0)
  .call(at('00:52'), a0, c1, 12)
  .start(at('00:55'), a0, c1)
  .complete(at('01:05'), a0, c1, 10)
  .issue(at('00:50'), a1)
  .call(at('01:10'), a1, c1, 20)
  .start(at('01:12'), a1, c1)
  .complete(at('01:22'), a1, c1, 10)
  .issue(at('01:00'), a2)
  .call(at('01:25'), a2, c1, 25)
  .start(at('01:26'), a2, c1)
  .complete(at('01:40'), a2, c1, 14)
  // A004: skipped, returns, called again (its first call counts for the wait).
  .issue(at('01:05'), a3)
  .call(at('01:40'), a3, c2, 35)
  .skip(at('01:43'), a3, c2, 'return')
  .add(at('01:50'), 'ticket.returned', { ...a3, queueId: 'q-a' })
  .call(at('02:00'), a3, c2, 55)
  .start(at('02:01'), a3, c2)
  .complete(at('02:09'), a3, c2, 8)
  // A005: transferred to queue q-b, called again by window 2.
  .issue(at('01:10'), a4)
  .call(at('01:50'), a4, c1, 40)
  .start(at('01:52'), a4, c1)
  .add(at('01:55'), 'ticket.transferred', {
    ...a4,
    ...c1,
    fromQueueId: 'q-a',
    toQueueId: 'q-b',
    class: 'transferred-back',
  })
  .call(at('02:20'), a4, c2, 70, 'q-b')
  .start(at('02:21'), a4, c2)
  .complete(at('02:33'), a4, c2, 12, 'q-b')
  .window(at('02:00'), c4, 'opened')
  .window(at('03:00'), c1, 'paused')
  .window(at('03:00'), c3, 'closed')
  .window(at('03:30'), c1, 'resumed')
  .window(at('04:00'), c4, 'paused')
  .issue(at('04:00'), a5)
  .issue(at('04:10'), a6)
  .call(at('04:30'), a6, c1, 20)
  .issue(at('04:20'), a7)
  .issue(at('04:40'), a8)
  .call(at('04:50'), a8, c2, 10)
  .skip(at('04:55'), a8, c2, 'drop')
  // After `to`.
  .issue(at('05:10'), a9)
  .window(at('05:30'), c2, 'closed');

// ── queue, h-east ────────────────────────────────────────────────────────
const [e1, e2] = [win('w-e1', '1'), win('w-e2', '2')];
const [b1, b2, b3, b4, b5, b6] = ['B001', 'B002', 'B003', 'B004', 'B005', 'B006'].map((no, i) =>
  tk(`e-0${i + 1}`, no),
) as [Ticket, Ticket, Ticket, Ticket, Ticket, Ticket];
east
  .window(at('00:50'), e1, 'opened')
  .window(at('01:00'), e2, 'opened')
  // B001: completed without pressing start (service counts from the call).
  .issue(at('01:00'), b1)
  .call(at('01:05'), b1, e1, 5)
  .complete(at('01:20'), b1, e1, 15)
  .issue(at('01:30'), b2)
  .call(at('02:00'), b2, e1, 30)
  .start(at('02:01'), b2, e1)
  .complete(at('02:11'), b2, e1, 10)
  .issue(at('02:00'), b3)
  .call(at('02:45'), b3, e2, 45)
  .skip(at('02:47'), b3, e2, 'return')
  .add(at('03:00'), 'ticket.returned', { ...b3, queueId: 'q-a' })
  .issue(at('03:00'), b4)
  .call(at('03:10'), b4, e1, 10)
  .add(at('03:12'), 'ticket.recalled', { ...b4, ...e1, recalls: 1, display: display(b4, e1) })
  .start(at('03:15'), b4, e1)
  .complete(at('03:36'), b4, e1, 21)
  .window(at('04:00'), e2, 'closed')
  .issue(at('04:45'), b5)
  .call(at('04:50'), b5, e1, 5)
  .skip(at('04:52'), b5, e1, 'return')
  .issue(at('04:50'), b6);

// ── h-west, outside the scope: would change nearly every value ───────────
const w1 = win('w-w1', '1');
const x1 = tk('w-01', 'C001');
const x2 = tk('w-02', 'C002');
west
  .window(at('00:30'), w1, 'opened')
  .issue(at('00:30'), x1)
  .call(at('02:10'), x1, w1, 100)
  .skip(at('02:12'), x1, w1, 'drop')
  .issue(at('02:00'), x2)
  .presence(at('00:00'), 'tk-w1', 'ticketer', false)
  .paper(at('23:00', '2026-11-22'), 'tk-w1', 'out')
  .review(at('02:00'), 'r-w1', 1, 'window-rater', true, ['115'])
  .defaultReview(at('02:05'), 'r-w2')
  .rectification(at('01:00', '2026-11-20'), 'r-w0', at('02:00'))
  .booking(at('01:00', '2026-11-20'), 'ap-w1', at('02:00'), at('02:30'))
  .add(at('02:40'), 'appointment.missed', { appointmentId: 'ap-w1' })
  .concluded(at('02:00'), 'k-w1', at('09:00', '2026-11-20'), at('09:00', '2026-11-21'))
  .uploaded(at('02:00'), 'k-w0', at('01:00', '2026-11-10'));

// ── devices ──────────────────────────────────────────────────────────────
city
  .presence(at('23:00', '2026-11-22'), 'tk-c1', 'ticketer', true)
  .paper(at('00:30'), 'tk-c1', 'low')
  .paper(at('01:20'), 'tk-c1', 'out')
  .paper(at('01:50'), 'tk-c1', 'ok')
  .presence(at('02:00'), 'tk-c1', 'ticketer', false)
  .presence(at('02:30'), 'tk-c1', 'ticketer', true)
  .paper(at('03:00'), 'tk-c1', 'low')
  .paper(at('04:40'), 'tk-c1', 'out')
  // A caller first seen at 01:30: its time before that is unknown, not offline.
  .presence(at('01:30'), 'cl-c1', 'caller', true);
east
  .paper(at('09:00', '2026-11-22'), 'tk-e1', 'out')
  .presence(at('10:00', '2026-11-22'), 'tk-e1', 'ticketer', false)
  .presence(at('04:00'), 'tk-e1', 'ticketer', true)
  .paper(at('04:05'), 'tk-e1', 'ok')
  .presence(at('05:30'), 'tk-e1', 'ticketer', false)
  // Silent for more than 30 days before `to`: outside the population.
  .presence(at('02:00', '2026-10-01'), 'rt-e9', 'rater', false);

// ── people per camera zone (视频通道) ──────────────────────────────────────
city
  .zones(at('01:10'), 'cam-c1', { waiting: 12, service: 5 })
  .zones(at('02:00'), 'cam-c1', { waiting: 20, service: 6 })
  .zones(at('02:00'), 'cam-c2', { entrance: 4 })
  // Same 5-minute bucket as 02:00: each zone's largest count counts (waiting 20, not 18).
  .zones(at('02:03'), 'cam-c1', { waiting: 18, service: 6 })
  .zones(at('04:52'), 'cam-c1', { waiting: 8, service: 4 })
  .zones(at('04:53'), 'cam-c2', { entrance: 3 })
  // The latest count of a zone is its count now (waiting 6, not 8); service keeps its 04:52 count.
  .zones(at('04:56'), 'cam-c1', { waiting: 6 })
  // After `to`.
  .zones(at('05:10'), 'cam-c1', { waiting: 50, service: 2 });
east
  // Before `from`: not in the peak.
  .zones(at('00:30'), 'cam-e1', { waiting: 40 })
  .zones(at('03:00'), 'cam-e1', { waiting: 15 })
  // More than 10 minutes before `to`: stale for "now".
  .zones(at('04:30'), 'cam-e1', { waiting: 9 });
west.zones(at('02:00'), 'cam-w1', { waiting: 99 });

// ── reviews (好差评) ──────────────────────────────────────────────────────
city
  .review(at('01:25'), 'r-01', 5, 'window-rater', true)
  .review(at('01:45'), 'r-02', 4, 'app', true)
  .defaultReview(at('02:00'), 'r-03')
  .review(at('02:15'), 'r-04', 2, 'window-rater', true, ['207'])
  .review(at('03:00'), 'r-05', 1, 'hotline', false, ['110'])
  .review(at('05:20'), 'r-09', 1, 'window-rater', true, ['115'])
  // Rectification orders: due in the period on time, late, never; due after `to`; due before `from`.
  .rectification(at('02:00', '2026-11-20'), 'r-old-1', at('02:00'), at('08:00', '2026-11-22'))
  .rectification(at('03:00', '2026-11-20'), 'r-old-2', at('03:00'), at('03:30'))
  .rectification(at('04:00', '2026-11-21'), 'r-old-3', at('04:00'))
  .rectification(at('02:20'), 'r-04', at('02:20', '2026-11-28'))
  .rectification(at('09:00', '2026-11-19'), 'r-old-6', at('09:00', '2026-11-22'), at('10:00', '2026-11-22'));
east
  .review(at('01:30'), 'r-06', 5, 'qr', true)
  .defaultReview(at('02:00'), 'r-07')
  .review(at('03:00'), 'r-08', 4, 'sms', false)
  // Closed exactly at its deadline: on time.
  .rectification(at('01:00', '2026-11-21'), 'r-old-4', at('04:30'), at('04:30'));

// ── appointments (预约) ───────────────────────────────────────────────────
city
  .booking(at('02:00', '2026-11-20'), 'ap-1', at('01:30'), at('02:00'))
  .add(at('01:25'), 'appointment.checked-in', { appointmentId: 'ap-1', ticketId: null })
  .booking(at('03:00', '2026-11-21'), 'ap-2', at('02:00'), at('02:30'))
  .add(at('02:30'), 'appointment.missed', { appointmentId: 'ap-2' })
  .booking(at('05:00', '2026-11-21'), 'ap-3', at('03:00'), at('03:30'))
  .add(at('06:00', '2026-11-22'), 'appointment.cancelled', { appointmentId: 'ap-3', reason: '行程变更' })
  .booking(at('07:00', '2026-11-22'), 'ap-4', at('04:30'), at('05:00'))
  .booking(at('07:30', '2026-11-22'), 'ap-5', at('06:00'), at('06:30'))
  .booking(at('01:00', '2026-11-19'), 'ap-9', at('02:00', '2026-11-22'), at('02:30', '2026-11-22'))
  .add(at('02:30', '2026-11-22'), 'appointment.missed', { appointmentId: 'ap-9' });
east
  .booking(at('02:00', '2026-11-21'), 'ap-6', at('01:00'), at('01:30'))
  .add(at('00:55'), 'appointment.checked-in', { appointmentId: 'ap-6', ticketId: 'e-ap6' })
  .booking(at('01:00', '2026-11-22'), 'ap-7', at('03:30'), at('04:00'))
  .add(at('03:20'), 'appointment.checked-in', { appointmentId: 'ap-7', ticketId: null })
  .booking(at('02:00', '2026-11-22'), 'ap-8', at('02:30'), at('03:00'))
  .add(at('03:00'), 'appointment.missed', { appointmentId: 'ap-8' });

// ── cases (办件) ──────────────────────────────────────────────────────────
city
  .concluded(at('01:30'), 'k-1', at('09:00', '2026-11-25'), at('09:00', '2026-12-05'))
  .concluded(at('02:00'), 'k-2', at('01:00'), at('09:00', '2026-11-30'))
  .concluded(at('03:00'), 'k-3', at('09:00', '2026-11-20'), at('09:00', '2026-11-22'))
  .concluded(at('04:00'), 'k-4', at('04:00'), at('09:00', '2026-11-27'))
  .concluded(at('05:10'), 'k-6', at('09:00', '2026-11-20'), at('09:00', '2026-11-21'))
  .uploaded(at('03:00'), 'k-1', at('01:30'))
  .uploaded(at('02:30'), 'k-old-2', at('02:00', '2026-11-17'))
  .uploaded(at('02:00', '2026-11-22'), 'k-old-5', at('02:00', '2026-11-10'));
east
  .concluded(at('02:30'), 'k-5', at('09:00', '2026-11-24'), at('09:00', '2026-12-01'))
  .uploaded(at('02:00'), 'k-old-3', at('02:00', '2026-11-18'))
  .uploaded(at('04:00'), 'k-old-4', at('01:00', '2026-11-16'));

const fixtureEventSchema = z.union([domainEventSchema, indicatorEventSchema]);

/** The events, per hall in time order (ties keep the order written), numbered 1, 2, … per hall. */
export const fixtureEvents: readonly FixtureEvent[] = (() => {
  const seqs = new Map<string, number>();
  return raws
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.hallId.localeCompare(y.r.hallId) || Date.parse(x.r.at) - Date.parse(y.r.at) || x.i - y.i)
    .map(({ r }) => {
      const seq = (seqs.get(r.hallId) ?? 0) + 1;
      seqs.set(r.hallId, seq);
      return fixtureEventSchema.parse({ hallId: r.hallId, seq, at: r.at, type: r.type, data: r.data });
    });
})();

/** Rows for the `events` table (analytics/clickhouse.ts); payload is the whole event. */
export interface EventRow {
  hall_id: string;
  seq: number;
  type: string;
  at: string;
  payload: string;
}
export function eventRows(events: readonly FixtureEvent[]): EventRow[] {
  return events.map((e) => ({
    hall_id: e.hallId,
    seq: e.seq,
    type: e.type,
    at: e.at.replace('T', ' ').replace('Z', ''),
    payload: JSON.stringify(e),
  }));
}
