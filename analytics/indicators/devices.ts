import { SRC } from './sources.ts';
import { IN_HALLS, FROM_MS, TO_MS, dataString, percent, type IndicatorDefinition } from './types.ts';

/**
 * Device indicators (设备监管, 001 §1.1.1.13 (2), §1.1.1.17 取号终端配置 (3)).
 * Both are time-weighted over [from, to): a device's state holds from one of
 * its events to the next, and the state at `from` is its last event before
 * `from`. The look-back for that last event is 30 days before `from`; a device silent
 * for longer than that is outside the population.
 */

/**
 * Segments of one state per device: each event from max(at, from) to
 * min(next event, to). Empty or negative segments (event and successor both
 * before `from`) are dropped by `len > 0`.
 */
const segments = (state: string, where: string): string => `
  SELECT seg_state, least(next_ms, ${TO_MS}) - greatest(at_ms, ${FROM_MS}) AS len
  FROM (
    SELECT ${state} AS seg_state, toUnixTimestamp64Milli(at) AS at_ms,
           leadInFrame(toUnixTimestamp64Milli(at), 1, ${TO_MS})
             OVER (PARTITION BY hall_id, ${dataString('deviceId')} ORDER BY at, seq ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_ms
    FROM events
    WHERE ${IN_HALLS} AND ${where}
      AND at >= {from:DateTime64(3)} - INTERVAL 30 DAY AND at < {to:DateTime64(3)}
  )`;

export const deviceIndicators: readonly IndicatorDefinition[] = [
  {
    id: 'device.online.rate',
    area: 'devices',
    kind: 'flow',
    unit: 'percent',
    nameZh: '设备在线率',
    nameEn: 'Device online rate',
    definition: {
      zh: '期间内全部设备 (取号机、呼叫器、评价器、视频通道、显示屏) 在线时长之和 ÷ 已知状态时长之和 × 100, 按时间加权; 设备首次上线前的时间不计入分母。',
      en: "Σ online time ÷ Σ time with a known state × 100 over all devices (every kind) in the period, time-weighted; time before a device's first presence event is not counted.",
    },
    thresholds: { direction: 'higher-better', good: 95, warn: 90 },
    whenEmpty: null,
    sources: [SRC.hardwareMonitor, SRC.ticketerMonitor],
    sql: `SELECT ${percent('sumIf(len, seg_state)', 'sum(len)')} AS value
FROM (${segments("type = 'device.online'", "type IN ('device.online', 'device.offline')")}
)
WHERE len > 0`,
  },
  {
    id: 'device.paper-out.minutes',
    area: 'devices',
    kind: 'flow',
    unit: 'minutes',
    nameZh: '取号机缺纸时长',
    nameEn: 'Ticket machines out of paper',
    definition: {
      zh: '期间内各取号机上报 paper = out 至下一次状态上报之间的分钟数之和 (离线期间缺纸状态保持)。',
      en: "Minutes in the period during which a ticket machine's last reported status had paper = out, summed over machines (the state holds while offline).",
    },
    thresholds: { direction: 'lower-better', good: 10, warn: 30 },
    whenEmpty: 0,
    sources: [SRC.ticketerMonitor, SRC.domainQueue],
    sql: `SELECT toFloat64(sumIf(len, seg_state = 'out')) / 60000 AS value
FROM (${segments("JSONExtractString(payload, 'data', 'status', 'paper')", `type = 'device.status' AND ${dataString('kind')} = 'ticketer' AND JSONHas(payload, 'data', 'status', 'paper')`)}
)
WHERE len > 0`,
  },
  {
    id: 'device.zone.people.now',
    area: 'devices',
    kind: 'state',
    unit: 'people',
    nameZh: '当前在厅人数 (视频)',
    nameEn: 'People in the hall now (cameras)',
    definition: {
      zh: '截至查询终点, 各视频通道各区域最近一次上报的人数之和; 只计终点前10分钟内的上报 (更早的视为过时, 通道每30秒上报一次)。',
      en: "Σ over cameras and zones of each one's latest people count before `to`, counting only counts of the 10 minutes before `to` (older ones are stale; cameras report every 30 s).",
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.videoHub, SRC.domainCameras, SRC.resultModels],
    sql: `SELECT toFloat64(sum(people)) AS value
FROM (
  SELECT hall_id, device_id, zone, argMax(people, at) AS people
  FROM zone_counts
  WHERE ${IN_HALLS} AND at >= {to:DateTime64(3)} - INTERVAL 10 MINUTE AND at < {to:DateTime64(3)}
  GROUP BY hall_id, device_id, zone
)`,
  },
  {
    id: 'device.zone.people.peak',
    area: 'devices',
    kind: 'flow',
    unit: 'people',
    nameZh: '在厅人数峰值 (视频)',
    nameEn: 'Peak people in the hall (cameras)',
    definition: {
      zh: '期间内按5分钟分段 (整段, 自起点所在段起), 每段取各通道各区域的最大人数求和为大厅该段人数; 取每个大厅各段中的最大值, 各大厅相加。',
      en: "In the whole 5-minute buckets from the one holding `from` up to `to`, a hall's count is Σ over cameras and zones of their largest count in the bucket; each hall's largest bucket, summed over halls.",
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.videoHub, SRC.domainCameras, SRC.hallReport],
    sql: `SELECT toFloat64(sum(peak)) AS value
FROM (
  SELECT hall_id, max(total) AS peak
  FROM (
    SELECT hall_id, bucket, sum(people) AS total
    FROM (
      -- zone_peaks_5m keeps each zone's largest count per 5 minutes (analytics/clickhouse.ts); parts not merged yet repeat a key.
      SELECT hall_id, bucket, device_id, zone, max(people) AS people
      FROM zone_peaks_5m
      WHERE ${IN_HALLS} AND bucket >= toStartOfInterval({from:DateTime64(3)}, INTERVAL 5 MINUTE) AND bucket < {to:DateTime64(3)}
      GROUP BY hall_id, bucket, device_id, zone
    )
    GROUP BY hall_id, bucket
  )
  GROUP BY hall_id
)`,
  },
];
