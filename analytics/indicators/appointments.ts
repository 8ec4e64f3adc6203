import { SRC } from './sources.ts';
import { IN_HALLS, FROM_MS, TO_MS, dataMs, dataString, percent, type IndicatorDefinition } from './types.ts';

/**
 * Appointment indicators (预约履约). They consume `appointment.booked`,
 * `appointment.cancelled`, `appointment.checked-in` and `appointment.missed`,
 * defined in contracts/indicators.ts and emitted when appointments land.
 *
 * Population: appointments whose slot starts in [from, to) and that were not
 * cancelled before `to`. Check-ins and misses count when they happened before
 * `to`; an appointment neither checked in nor missed yet (its check-in limit
 * has not passed) stays in the denominator only, so for a closed period the
 * two rates add up to 100. Bookings are made at most 90 days ahead (look-back).
 */
const appointmentsDue = (value: string): string => `SELECT ${value} AS value
FROM (
  SELECT hall_id, ${dataString('appointmentId')} AS appointment_id,
         (countIf(type = 'appointment.booked' AND ${dataMs('slotStart')} >= ${FROM_MS} AND ${dataMs('slotStart')} < ${TO_MS}) > 0
           AND countIf(type = 'appointment.cancelled') = 0) AS due,
         countIf(type = 'appointment.checked-in') > 0 AS checked_in,
         countIf(type = 'appointment.missed') > 0 AS missed
  FROM events
  WHERE ${IN_HALLS}
    AND type IN ('appointment.booked', 'appointment.cancelled', 'appointment.checked-in', 'appointment.missed')
    AND at >= {from:DateTime64(3)} - INTERVAL 90 DAY AND at < {to:DateTime64(3)}
  GROUP BY hall_id, appointment_id
)`;

export const appointmentIndicators: readonly IndicatorDefinition[] = [
  {
    id: 'appointment.fulfilment.rate',
    area: 'appointments',
    kind: 'flow',
    unit: 'percent',
    nameZh: '预约履约率',
    nameEn: 'Appointment fulfilment rate',
    definition: {
      zh: '预约时段在期间内且未取消的预约中, 已预约取号 (签到) 的比例 × 100。',
      en: 'Of the appointments with a slot starting in the period and not cancelled, the share checked in (预约取号) × 100.',
    },
    thresholds: { direction: 'higher-better', good: 90, warn: 80 },
    whenEmpty: null,
    sources: [SRC.appointmentQuery, SRC.monitoring],
    sql: appointmentsDue(percent('countIf(due AND checked_in)', 'countIf(due)')),
  },
  {
    id: 'appointment.no-show.rate',
    area: 'appointments',
    kind: 'flow',
    unit: 'percent',
    nameZh: '预约失约率',
    nameEn: 'Appointment no-show rate',
    definition: {
      zh: '同一范围内记为失约 (超过预约取号时限未取号) 的比例 × 100。',
      en: 'Of the same appointments, the share recorded as missed (失约: check-in limit passed) × 100.',
    },
    thresholds: { direction: 'lower-better', good: 10, warn: 20 },
    whenEmpty: null,
    sources: [SRC.appointmentRules, SRC.domainAppointments],
    sql: appointmentsDue(percent('countIf(due AND missed)', 'countIf(due)')),
  },
];
