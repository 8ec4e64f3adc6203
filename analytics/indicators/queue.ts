import { SRC } from './sources.ts';
import {
  IN_HALLS,
  IN_HALL_DAY,
  IN_PERIOD,
  FROM_MS,
  TO_MS,
  dataString,
  percent,
  type IndicatorDefinition,
  dataFloat,
} from './types.ts';

/**
 * Queue and window indicators (排队叫号): what the caller's data panel and the
 * hall operation report show (001 §1.1.1.16, 004 大厅运行研判报告), from the
 * queue events of contracts/queue-events.ts.
 */

/** Every event that changes a ticket's status (server/domain/queue/state.ts). Recalls do not. */
const TICKET_STATUS_EVENTS = `('ticket.issued', 'ticket.called', 'ticket.skipped', 'ticket.returned', 'ticket.reactivated',
      'ticket.dropped', 'ticket.transferred', 'ticket.untargeted', 'service.started', 'ticket.completed')`;
/** Last events after which a ticket is back in line: status `waiting`. */
const WAITING_AFTER = `('ticket.issued', 'ticket.returned', 'ticket.reactivated', 'ticket.transferred', 'ticket.untargeted')`;

const waitingNow = `
SELECT toFloat64(countIf(last_type IN ${WAITING_AFTER})) AS value
FROM (
  SELECT hall_id, ${dataString('ticketId')} AS ticket_id,
         argMax(type, (at, seq)) AS last_type,
         countIf(type = 'ticket.issued') AS issued
  FROM events
  WHERE ${IN_HALLS} AND ${IN_HALL_DAY} AND type IN ${TICKET_STATUS_EVENTS}
  GROUP BY hall_id, ticket_id
  HAVING issued > 0
)`;

/**
 * One wait per ticket: its first call (the engine numbers a ticket's calls,
 * `call`). A ticket called again after a skip-return or a transfer keeps its
 * take time (state.ts), so later calls report a longer `waitedMin` that is
 * not waiting for the hall. The number makes this a plain filter instead of a
 * grouping per ticket, which took 0.3–0.7 s for the city over 30 days
 * (bench:analytics, docs/benchmarks.md). Events from before calls were
 * numbered (call_no 0) count as first calls.
 */
const firstWaits = `
  SELECT waited_min AS waited
  FROM events
  WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'ticket.called' AND call_no <= 1`;

/** Window status (opened/paused/resumed/closed) and what it holds (last ticket event at it), per window, as of `to`. */
const windowsAsOfTo = (select: string): string => `
SELECT toFloat64(${select}) AS value
FROM (
  SELECT hall_id, ${dataString('windowId')} AS window_id,
         argMaxIf(type, (at, seq), type LIKE 'window.%') AS status_event,
         argMaxIf(type, (at, seq), type NOT LIKE 'window.%') AS ticket_event
  FROM events
  WHERE ${IN_HALLS} AND ${IN_HALL_DAY}
    AND type IN ('window.opened', 'window.paused', 'window.resumed', 'window.closed',
                 'ticket.called', 'service.started', 'ticket.skipped', 'ticket.transferred', 'ticket.completed')
  GROUP BY hall_id, window_id
)`;
const OPEN = "status_event IN ('window.opened', 'window.resumed')";
const HOLDING = "ticket_event IN ('ticket.called', 'service.started')";

const queueSources = [SRC.callerData, SRC.hallReport, SRC.monitoring];

export const queueIndicators: readonly IndicatorDefinition[] = [
  {
    id: 'queue.waiting.now',
    area: 'queue',
    kind: 'state',
    unit: 'people',
    nameZh: '当前等候人数',
    nameEn: 'Waiting now',
    definition: {
      zh: '截至查询终点, 本大厅日内已取号、尚在排队 (状态为等候) 的号票数, 按大厅计算后求和。',
      en: 'Tickets of the hall day that are in line (status waiting) at `to`, per hall, summed.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.slipWaiting, SRC.callerData, SRC.provincialPush],
    sql: waitingNow,
  },
  {
    id: 'queue.wait.avg',
    area: 'queue',
    kind: 'flow',
    unit: 'minutes',
    nameZh: '平均等候时长',
    nameEn: 'Average wait',
    definition: {
      zh: '期间内被叫号的号票, 每张取首次叫号时的等候分钟数 (取号至叫号), 求平均。',
      en: 'Mean of the minutes from taking the ticket to its first call, over tickets first called in the period.',
    },
    thresholds: { direction: 'lower-better', good: 15, warn: 30 },
    whenEmpty: null,
    sources: [...queueSources, SRC.resultModels],
    sql: `SELECT avgOrNull(waited) AS value FROM (${firstWaits}\n)`,
  },
  {
    id: 'queue.wait.p90',
    area: 'queue',
    kind: 'flow',
    unit: 'minutes',
    nameZh: '等候时长90分位',
    nameEn: 'Wait, 90th percentile',
    definition: {
      zh: '同平均等候时长的样本, 取第90百分位 (线性插值, 与 Excel PERCENTILE.INC 相同)。',
      en: 'The 90th percentile of the same waits, linear interpolation between order statistics (as Excel PERCENTILE.INC).',
    },
    thresholds: { direction: 'lower-better', good: 30, warn: 45 },
    whenEmpty: null,
    sources: [...queueSources, SRC.resultModels],
    sql: `SELECT if(count() = 0, NULL, quantileExactInclusive(0.9)(waited)) AS value FROM (${firstWaits}\n)`,
  },
  {
    id: 'queue.wait.over-30.count',
    area: 'queue',
    kind: 'flow',
    unit: 'count',
    nameZh: '超时等候人数 (超30分钟)',
    nameEn: 'Waits over 30 min',
    definition: {
      zh: '期间内首次叫号时等候超过30分钟的号票数。',
      en: 'Tickets whose first call in the period came after more than 30 minutes of waiting.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.efficiency, ...queueSources],
    sql: `SELECT toFloat64(countIf(waited > 30)) AS value FROM (${firstWaits}\n)`,
  },
  {
    id: 'queue.wait.over-30.rate',
    area: 'queue',
    kind: 'flow',
    unit: 'percent',
    nameZh: '超时等候率 (超30分钟)',
    nameEn: 'Share of waits over 30 min',
    definition: {
      zh: '超时等候人数 ÷ 期间内首次叫号的号票数 × 100。',
      en: 'Waits over 30 min ÷ tickets first called in the period × 100.',
    },
    thresholds: { direction: 'lower-better', good: 5, warn: 15 },
    whenEmpty: null,
    sources: [SRC.efficiency, ...queueSources],
    sql: `SELECT ${percent('countIf(waited > 30)', 'count()')} AS value FROM (${firstWaits}\n)`,
  },
  {
    id: 'queue.handling.avg',
    area: 'queue',
    kind: 'flow',
    unit: 'minutes',
    nameZh: '平均办理时长',
    nameEn: 'Average handling time',
    definition: {
      zh: '期间内办结 (ticket.completed) 的号票, 开始办理 (未按开始则自叫号) 至办结的分钟数, 求平均。',
      en: 'Mean serviceMin of tickets completed in the period: start of service (or the call, when start was not pressed) to completion.',
    },
    thresholds: { direction: 'lower-better', good: 20, warn: 40 },
    whenEmpty: null,
    sources: [...queueSources, SRC.resultModels],
    sql: `SELECT avgOrNull(${dataFloat('serviceMin')}) AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'ticket.completed'`,
  },
  {
    id: 'queue.windows.open.now',
    area: 'queue',
    kind: 'state',
    unit: 'windows',
    nameZh: '开放窗口数',
    nameEn: 'Windows open',
    definition: {
      zh: '截至查询终点, 本大厅日内最后状态为开放 (开窗或恢复) 的窗口数; 暂停、关闭不计。',
      en: 'Windows whose last status event of the hall day before `to` is opened or resumed; paused and closed are not open.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.callerData, SRC.hallReport],
    sql: windowsAsOfTo(`countIf(${OPEN})`),
  },
  {
    id: 'queue.windows.serving.now',
    area: 'queue',
    kind: 'state',
    unit: 'windows',
    nameZh: '服务中窗口数',
    nameEn: 'Windows serving',
    definition: {
      zh: '截至查询终点持有号票 (已叫号或办理中) 的窗口数; 暂停的窗口仍可办完手中号票, 也计入。',
      en: 'Windows holding a ticket (called or in service) at `to`; a paused window still finishing its ticket counts.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.callerData, SRC.hallReport],
    sql: windowsAsOfTo(`countIf(${HOLDING})`),
  },
  {
    id: 'queue.windows.idle.now',
    area: 'queue',
    kind: 'state',
    unit: 'windows',
    nameZh: '空闲窗口数',
    nameEn: 'Windows idle',
    definition: {
      zh: '截至查询终点开放且未持有号票的窗口数。',
      en: 'Open windows holding no ticket at `to`.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.callerData, SRC.hallReport, SRC.resultModels],
    sql: windowsAsOfTo(`countIf(${OPEN} AND NOT ${HOLDING})`),
  },
  {
    id: 'queue.calls.per-hour',
    area: 'queue',
    kind: 'flow',
    unit: 'calls-per-hour',
    nameZh: '每小时叫号量',
    nameEn: 'Calls per hour',
    definition: {
      zh: '期间内叫号次数 (含过号返回后的再次叫号, 不含重呼) ÷ 期间小时数, 各大厅合计。',
      en: 'Calls in the period (a call after a skip-return counts again; recalls do not) ÷ the period in hours, all halls together.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.provincialPush, SRC.hallReport],
    sql: `SELECT count() / ((${TO_MS} - ${FROM_MS}) / 3600000) AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'ticket.called'`,
  },
  {
    id: 'queue.skip.rate',
    area: 'queue',
    kind: 'flow',
    unit: 'percent',
    nameZh: '过号率',
    nameEn: 'Skip (no-show) rate',
    definition: {
      zh: '期间内过号次数 ÷ 叫号次数 × 100。',
      en: 'Skips (过号) in the period ÷ calls in the period × 100.',
    },
    thresholds: { direction: 'lower-better', good: 5, warn: 10 },
    whenEmpty: null,
    sources: [SRC.domainQueue, SRC.callerData],
    sql: `SELECT ${percent("countIf(type = 'ticket.skipped')", "countIf(type = 'ticket.called')")} AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type IN ('ticket.called', 'ticket.skipped')`,
  },
];
