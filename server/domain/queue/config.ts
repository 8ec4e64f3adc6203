import { HallError, type ErrorCode } from '../../../contracts/index.ts';
import { minuteOfDay, parseTimeOfDay } from '../hall-time.ts';
import { DEFAULT_SERVICE_MIN } from '../ticketing.ts';

/**
 * A hall's queue configuration (队列配置 / 窗口配置, 001 §1.1.1.17; DOMAIN.md
 * "Queue and calling"): hall → departments → service items (事项); queues with
 * a ticket prefix, their items, a daily cap and ticketing hours; windows (窗口)
 * serving a set of queues with a weight each, and that set may differ by time
 * period of the day (按时间段). Plain data, so the adapter can read it from
 * PostgreSQL and hand it to every pure operation.
 */

/** Ticket classes. Green channel (绿色通道) is for the elderly, disabled and pregnant. */
export type TicketClass = 'walk-in' | 'appointment' | 'green' | 'transferred-back';
export const TICKET_CLASSES: readonly TicketClass[] = ['green', 'appointment', 'transferred-back', 'walk-in'];

export interface ServiceItem {
  readonly code: string;
  readonly name: string;
}
export interface Department {
  readonly id: string;
  readonly name: string;
  readonly items: readonly ServiceItem[];
}

export interface QueueConfig {
  readonly id: string;
  readonly name: string;
  /** Ticket prefix: upper-case letters only, so `prefix + digits` reads back unambiguously (A001). */
  readonly prefix: string;
  readonly departmentId?: string;
  /** Service items whose tickets go to this queue; an item belongs to one queue. */
  readonly itemCodes: readonly string[];
  readonly dailyCap: number;
  /** Ticketing hours in hall local time, [openFrom, openTo), 'HH:MM', '24:00' = end of day. */
  readonly openFrom: string;
  readonly openTo: string;
}

export interface QueueWeight {
  readonly queueId: string;
  readonly weight: number;
}
/** One period of a window's day, [from, to) in hall local time; periods of a window do not overlap. */
export interface WindowPeriod {
  readonly from: string;
  readonly to: string;
  readonly queues: readonly QueueWeight[];
}

export interface WindowConfig {
  readonly id: string;
  /** Number shown on the LED and spoken: "请A001号到5号窗口办理". */
  readonly no: string;
  readonly name?: string;
  readonly departmentId: string;
  /** The window's rating terminal (评价器); completion prompts it (001 §1.1.1.3–13). */
  readonly raterDeviceId?: string;
  readonly periods: readonly WindowPeriod[];
}

/**
 * Skip / no-show (过号): either the ticket returns to the line after `afterN`
 * further calls of its queue (at most `maxReturns` times, then it is dropped),
 * or it is dropped at once. Either way a late comer may re-activate it within
 * `reactivateWithinMin` of the skip.
 */
export type SkipPolicy =
  { readonly mode: 'return'; readonly afterN: number; readonly maxReturns: number } | { readonly mode: 'drop' };

export interface CallingPolicy {
  /** Highest priority first. */
  readonly classPriority: readonly TicketClass[];
  /** A ticket waiting at least this long rises to the front of its class (starvation guard). */
  readonly starvationMin: number;
  readonly skip: SkipPolicy;
  readonly reactivateWithinMin: number;
  /** On transfer the ticket becomes 'transferred-back' (unless its class ranks higher), or keeps its class. */
  readonly transferAs: 'transferred-back' | 'keep';
  /** How many recent service times per queue the wait estimate uses. */
  readonly recentK: number;
  /** Service minutes assumed for a queue with no completion yet. */
  readonly defaultServiceMin: number;
}

export interface HallQueueConfig {
  readonly hallId: string;
  /** IANA time zone of the hall: hall day and local times (hall-time.ts). */
  readonly tz: string;
  readonly departments: readonly Department[];
  readonly queues: readonly QueueConfig[];
  readonly windows: readonly WindowConfig[];
  readonly policy?: Partial<CallingPolicy>;
}

export const DEFAULT_POLICY: CallingPolicy = Object.freeze({
  classPriority: Object.freeze([...TICKET_CLASSES]),
  starvationMin: 60,
  skip: Object.freeze({ mode: 'return' as const, afterN: 3, maxReturns: 1 }),
  reactivateWithinMin: 30,
  transferAs: 'transferred-back' as const,
  recentK: 20,
  defaultServiceMin: DEFAULT_SERVICE_MIN,
});

export function policyOf(config: HallQueueConfig): CallingPolicy {
  return { ...DEFAULT_POLICY, ...config.policy };
}

export function queueById(config: HallQueueConfig, queueId: string): QueueConfig | undefined {
  return config.queues.find((q) => q.id === queueId);
}
export function windowById(config: HallQueueConfig, windowId: string): WindowConfig | undefined {
  return config.windows.find((w) => w.id === windowId);
}
export function queueOfItem(config: HallQueueConfig, itemCode: string): QueueConfig | undefined {
  return config.queues.find((q) => q.itemCodes.includes(itemCode));
}

/** The period of the window's day that holds `now` (hall local time), if any. */
export function periodOf(window: WindowConfig, now: Date, tz: string): WindowPeriod | undefined {
  const m = minuteOfDay(now, tz);
  return window.periods.find((p) => parseTimeOfDay(p.from) <= m && m < parseTimeOfDay(p.to));
}

/**
 * The queues a window serves at `now`, with their weights. Outside every
 * period (lunch break, evening) the window serves nothing and calls nobody.
 */
export function activeQueuesOf(window: WindowConfig, now: Date, tz: string): readonly QueueWeight[] {
  return periodOf(window, now, tz)?.queues ?? [];
}

// ── validation ──────────────────────────────────────────────────────────────

/**
 * One thing wrong with a configuration. Codes are the product's refusal codes:
 * malformed value → HALL_ERR_BAD_DATA, reference to nothing → HALL_ERR_NOT_FOUND,
 * duplicate or overlap → HALL_ERR_CONFLICT.
 */
export interface ConfigProblem {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
}

const TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const PREFIX = /^[A-Z]{1,4}$/;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Every problem of the configuration; empty when it can be used. */
export function validateHallConfig(config: HallQueueConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const bad = (path: string, message: string) => out.push({ code: 'HALL_ERR_BAD_DATA', path, message });
  const missing = (path: string, message: string) => out.push({ code: 'HALL_ERR_NOT_FOUND', path, message });
  const dup = (path: string, message: string) => out.push({ code: 'HALL_ERR_CONFLICT', path, message });
  const hours = (path: string, from: string, to: string) => {
    if (!TIME.test(from)) bad(`${path}.from`, `time ${from} is not HH:MM`);
    else if (!TIME.test(to)) bad(`${path}.to`, `time ${to} is not HH:MM`);
    else if (parseTimeOfDay(from) >= parseTimeOfDay(to)) bad(path, `${from}–${to} is empty or crosses midnight`);
  };

  if (!validTimeZone(config.tz)) bad('tz', `unknown time zone ${config.tz}`);

  const departmentIds = new Set<string>();
  const itemCodes = new Set<string>();
  config.departments.forEach((d, i) => {
    if (departmentIds.has(d.id)) dup(`departments[${i}].id`, `department ${d.id} appears twice`);
    departmentIds.add(d.id);
    d.items.forEach((it, j) => {
      if (itemCodes.has(it.code)) dup(`departments[${i}].items[${j}].code`, `item ${it.code} appears twice`);
      itemCodes.add(it.code);
    });
  });

  const queueIds = new Set<string>();
  const prefixes = new Set<string>();
  const itemQueue = new Map<string, string>();
  config.queues.forEach((q, i) => {
    const p = `queues[${i}]`;
    if (queueIds.has(q.id)) dup(`${p}.id`, `queue ${q.id} appears twice`);
    queueIds.add(q.id);
    if (!PREFIX.test(q.prefix)) bad(`${p}.prefix`, `prefix ${q.prefix} must be 1–4 upper-case letters`);
    else if (prefixes.has(q.prefix)) dup(`${p}.prefix`, `prefix ${q.prefix} is used by another queue`);
    prefixes.add(q.prefix);
    if (q.departmentId !== undefined && !departmentIds.has(q.departmentId))
      missing(`${p}.departmentId`, `no department ${q.departmentId}`);
    if (!Number.isInteger(q.dailyCap) || q.dailyCap < 1) bad(`${p}.dailyCap`, 'daily cap must be a positive integer');
    hours(`${p}.open`, q.openFrom, q.openTo);
    q.itemCodes.forEach((code, j) => {
      if (!itemCodes.has(code)) missing(`${p}.itemCodes[${j}]`, `no item ${code}`);
      const other = itemQueue.get(code);
      if (other !== undefined) dup(`${p}.itemCodes[${j}]`, `item ${code} already goes to queue ${other}`);
      else itemQueue.set(code, q.id);
    });
  });

  const windowIds = new Set<string>();
  const windowNos = new Set<string>();
  config.windows.forEach((w, i) => {
    const p = `windows[${i}]`;
    if (windowIds.has(w.id)) dup(`${p}.id`, `window ${w.id} appears twice`);
    windowIds.add(w.id);
    if (w.no.trim() === '') bad(`${p}.no`, 'window number is empty');
    else if (windowNos.has(w.no)) dup(`${p}.no`, `window number ${w.no} is used twice`);
    windowNos.add(w.no);
    if (!departmentIds.has(w.departmentId)) missing(`${p}.departmentId`, `no department ${w.departmentId}`);
    const spans: [number, number, number][] = [];
    w.periods.forEach((per, j) => {
      const pp = `${p}.periods[${j}]`;
      const before = out.length;
      hours(pp, per.from, per.to);
      if (out.length === before) spans.push([parseTimeOfDay(per.from), parseTimeOfDay(per.to), j]);
      const seen = new Set<string>();
      per.queues.forEach((qw, k) => {
        if (!queueIds.has(qw.queueId)) missing(`${pp}.queues[${k}].queueId`, `no queue ${qw.queueId}`);
        if (seen.has(qw.queueId)) dup(`${pp}.queues[${k}].queueId`, `queue ${qw.queueId} appears twice in the period`);
        seen.add(qw.queueId);
        if (!Number.isFinite(qw.weight) || qw.weight <= 0)
          bad(`${pp}.queues[${k}].weight`, 'weight must be a positive number');
      });
    });
    spans.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < spans.length; k++) {
      if (spans[k]![0] < spans[k - 1]![1])
        dup(`${p}.periods[${spans[k]![2]}]`, `period overlaps period ${spans[k - 1]![2]}`);
    }
  });

  const pol = policyOf(config);
  const classes = new Set(pol.classPriority);
  if (pol.classPriority.length !== TICKET_CLASSES.length || TICKET_CLASSES.some((c) => !classes.has(c))) {
    bad('policy.classPriority', `must list each of ${TICKET_CLASSES.join(', ')} once`);
  }
  if (!(pol.starvationMin > 0)) bad('policy.starvationMin', 'must be positive');
  if (pol.skip.mode === 'return') {
    if (!Number.isInteger(pol.skip.afterN) || pol.skip.afterN < 0)
      bad('policy.skip.afterN', 'must be a non-negative integer');
    if (!Number.isInteger(pol.skip.maxReturns) || pol.skip.maxReturns < 0)
      bad('policy.skip.maxReturns', 'must be a non-negative integer');
  } else if (pol.skip.mode !== 'drop') {
    bad('policy.skip.mode', 'must be return or drop');
  }
  if (!(pol.reactivateWithinMin >= 0)) bad('policy.reactivateWithinMin', 'must not be negative');
  if (pol.transferAs !== 'transferred-back' && pol.transferAs !== 'keep')
    bad('policy.transferAs', 'must be transferred-back or keep');
  if (!Number.isInteger(pol.recentK) || pol.recentK < 1) bad('policy.recentK', 'must be a positive integer');
  if (!(pol.defaultServiceMin > 0)) bad('policy.defaultServiceMin', 'must be positive');
  return out;
}

/**
 * Throws when the configuration has a problem: the code is the first
 * problem's, every problem is in `details.problems`.
 */
export function assertValidHallConfig(config: HallQueueConfig): void {
  const problems = validateHallConfig(config);
  const first = problems[0];
  if (first) {
    throw new HallError(
      first.code,
      `queue configuration of hall ${config.hallId}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { problems },
    );
  }
}
