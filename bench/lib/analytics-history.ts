/**
 * bench:analytics — the synthetic year of a city, generated INSIDE ClickHouse
 * (INSERT … SELECT FROM numbers()), so that the load rate measured is the
 * engine's: parsing nothing from Node, but writing `events` and feeding its
 * materialized views (event_counts_hourly, event_stats_daily) exactly as
 * relayed events do. Event shapes follow contracts/queue-events.ts, so the
 * indicator catalog computes real values on them.
 *
 * Per ticket t (deterministic: every random draw is cityHash64(t, k)):
 * day = t / perDay, hall skewed toward low ids (u² × halls: a few big city
 * halls, many small ones), taken 08:30–17:30 (hall time, UTC+8), wait 0–45
 * min, service 3–18 min, window 1–10 (one clerk each), item 1 of 20, 3 in 10 with an
 * applicant key (2 million people); 1 in 20 is skipped and
 * dropped (3 events), the others are served (6 events: issued, called,
 * started, completed, case opened, rating prompt).
 */
export interface HistoryShape {
  startIso: string;
  perDay: number;
  halls: number;
}

const S = (k: number): string => `cityHash64(t, ${k})`;

/** Tickets [first, first + count) as events. Seqs are t × 8 + k: unique per hall, in time order per ticket. */
export function ticketEventsSql(shape: HistoryShape, first: number, count: number): string {
  const hall = `concat('bh', toString(1 + toUInt32(floor(pow((${S(1)} % 10000) / 10000.0, 2) * ${shape.halls}))))`;
  return `INSERT INTO events (hall_id, seq, type, at, payload, window_id, item_code, department_id, waited_min, service_min, call_no, staff_id, ticket_id, case_id, applicant_key)
SELECT hall_id, t * 8 + k AS seq, ev.1 AS type, ev_at AS at,
  concat('{"hallId":"', hall_id, '","seq":', toString(t * 8 + k), ',"at":"', formatDateTime(ev_at, '%Y-%m-%dT%H:%i:%S.000Z', 'UTC'),
         '","type":"', ev.1, '","data":{"ticketId":"', ticket_id, '","ticketNo":"', ticket_no, '",', ev.3, '}}') AS payload,
  -- Every column the relay sends beside the payload (contracts/event-columns.ts): nothing is parsed from it at insert.
  if(ev.1 IN ('ticket.issued', 'ticket.dropped'), '', window_id) AS window_id_col, if(ev.1 IN ('ticket.issued', 'ticket.completed', 'case.opened'), item_code, '') AS item_code_col,
  if(ev.1 = 'case.opened', department_id, '') AS department_id_col,
  if(ev.1 = 'ticket.called', round(wait_ms / 60000, 2), 0) AS waited_min_col, if(ev.1 = 'ticket.completed', round(service_ms / 60000, 2), 0) AS service_min_col, if(ev.1 = 'ticket.called', 1, 0) AS call_no_col,
  -- One clerk per window (the staff dimension: the same cardinality as windows).
  if(ev.1 IN ('ticket.issued', 'ticket.dropped'), '', concat(hall_id, '-s', window_no)) AS staff_id_col,
  ticket_id AS ticket_id_col, if(ev.1 = 'case.opened', concat('C', toString(t)), '') AS case_id_col,
  if(ev.1 = 'ticket.issued' AND applicant != 'null', substring(applicant, 2, 43), '') AS applicant_key_col
FROM (
  SELECT number AS t, ${hall} AS hall_id,
    concat('T', toString(t)) AS ticket_id,
    concat('A', leftPad(toString(1 + t % 999), 3, '0')) AS ticket_no,
    toDateTime64('${shape.startIso}', 3, 'UTC') + toIntervalDay(intDiv(t, ${shape.perDay})) + toIntervalSecond(30600 - 28800 + ${S(2)} % 32400) AS taken,
    (${S(3)} % 2700) * 1000 AS wait_ms,
    (180 + ${S(4)} % 900) * 1000 AS service_ms,
    ${S(5)} % 20 = 0 AS skipped,
    toString(1 + ${S(6)} % 10) AS window_no,
    concat(hall_id, '-w', window_no) AS window_id,
    concat(hall_id, '-q', toString(${S(8)} % 4)) AS queue_id,
    concat('IT-', toString(${S(8)} % 20)) AS item_code,
    concat(hall_id, '-d', toString(${S(8)} % 4)) AS department_id,
    -- 3 in 10 tickets name their applicant (the keyed look-up hash of an ID card read at the machine), from 2 million people.
    if(${S(9)} % 10 < 3, concat('"', substring(concat(hex(cityHash64(${S(10)} % 2000000, 1)), hex(cityHash64(${S(10)} % 2000000, 2)), hex(cityHash64(${S(10)} % 2000000, 3))), 1, 43), '"'), 'null') AS applicant,
    concat('"windowId":"', window_id, '","windowNo":"', window_no, '","staffId":"', hall_id, '-s', window_no, '"') AS win,
    [
      ('ticket.issued', 0, concat('"queueId":"', queue_id, '","itemCode":"', item_code, '","deviceId":null,"waiting":3,"issuedToday":1,"applicantKey":', applicant, ',"class":"walk-in"')),
      ('ticket.called', wait_ms, concat(win, ',"queueId":"', queue_id, '","class":"walk-in","waitedMin":', toString(round(wait_ms / 60000, 2)), ',"call":1,"outOfOrder":false'))
    ] AS head,
    if(skipped,
      arrayConcat(head, [
        ('ticket.skipped', wait_ms + 120000, concat(win, ',"skipCount":1,"then":"drop"')),
        ('ticket.dropped', wait_ms + 120000, concat('"queueId":"', queue_id, '","reason":"no-show"'))]),
      arrayConcat(head, [
        ('service.started', wait_ms + 60000, win),
        ('ticket.completed', wait_ms + 60000 + service_ms, concat(win, ',"queueId":"', queue_id, '","itemCode":"', item_code, '","outcome":"done","serviceMin":', toString(round(service_ms / 60000, 2)))),
        ('case.opened', wait_ms + 60000 + service_ms, concat(win, ',"caseId":"C', toString(t), '","queueId":"', queue_id, '","itemCode":"', item_code,
          '","departmentId":"', department_id, '","outcome":"done"')),
        ('rating.prompt', wait_ms + 60000 + service_ms, concat(win, ',"raterDeviceId":null'))])) AS evs
  FROM numbers(${first}, ${count})
)
ARRAY JOIN evs AS ev, arrayEnumerate(evs) AS k
LEFT ARRAY JOIN [taken + toIntervalMillisecond(ev.2)] AS ev_at`;
}

/** The other columns the relay sends, empty for window and camera events (as PostgreSQL's COALESCE gives them). */
const EMPTY_COLUMNS = {
  names: 'ticket_id, item_code, department_id, staff_id, case_id, applicant_key, waited_min, service_min, call_no',
  values: "'', '', '', '', '', '', 0, 0, 0",
};

/** Every window of every hall opens at 08:30 and closes at 17:30 (hall time) each day: what "windows open now" reads. */
export function windowEventsSql(shape: HistoryShape, days: number): string {
  return `INSERT INTO events (hall_id, seq, type, at, payload, window_id, ${EMPTY_COLUMNS.names})
SELECT hall_id, 1000000000000 + (d * 100 + w) * 2 + k AS seq, type, at,
  concat('{"hallId":"', hall_id, '","seq":', toString(seq), ',"at":"', formatDateTime(at, '%Y-%m-%dT%H:%i:%S.000Z', 'UTC'),
         '","type":"', type, '","data":{"windowId":"', hall_id, '-w', toString(w), '","windowNo":"', toString(w), '"}}') AS payload,
  concat(hall_id, '-w', toString(w)) AS window_id, ${EMPTY_COLUMNS.values}
FROM (SELECT number AS d FROM numbers(${days})) AS days
CROSS JOIN (SELECT concat('bh', toString(1 + number)) AS hall_id FROM numbers(${shape.halls})) AS halls
CROSS JOIN (SELECT 1 + number AS w FROM numbers(10)) AS wins
ARRAY JOIN [0, 1] AS k
LEFT ARRAY JOIN [if(k = 0, 'window.opened', 'window.closed')] AS type
LEFT ARRAY JOIN [toDateTime64('${shape.startIso}', 3, 'UTC') + toIntervalDay(d) + toIntervalSecond(if(k = 0, 1800, 34200))] AS at`;
}

/**
 * Camera people counts (zone.counted) of the last `cameraDays` days: 8 cameras
 * in each of the first 6 halls (district halls), 2 in the others (seed 004
 * line 1139), each reporting its zones `waiting` and `entrance` every 30 s
 * from 08:30 to 17:30 hall time, as device-sim does.
 */
export function zoneEventsSql(shape: HistoryShape, days: number, cameraDays: number): string {
  return `INSERT INTO events (hall_id, seq, type, at, payload, window_id, ${EMPTY_COLUMNS.names})
SELECT hall_id, 2000000000000 + ((d * 100 + c) * 1080 + r) AS seq, 'zone.counted' AS type, at,
  concat('{"hallId":"', hall_id, '","seq":', toString(seq), ',"at":"', formatDateTime(at, '%Y-%m-%dT%H:%i:%S.000Z', 'UTC'),
         '","type":"zone.counted","data":{"deviceId":"', hall_id, '-cam', toString(c), '","zones":[{"zone":"waiting","people":',
         toString(cityHash64(hall_id, d, c, r) % 40), '},{"zone":"entrance","people":', toString(cityHash64(hall_id, d, c, r, 1) % 6), '}]}}') AS payload,
  '', ${EMPTY_COLUMNS.values}
FROM (SELECT ${days - cameraDays} + number AS d FROM numbers(${cameraDays})) AS days
CROSS JOIN (SELECT concat('bh', toString(h)) AS hall_id, c FROM (SELECT 1 + number AS h FROM numbers(${shape.halls})) ARRAY JOIN range(if(h <= 6, 8, 2)) AS c) AS cams
CROSS JOIN (SELECT number AS r FROM numbers(1080)) AS reports
LEFT ARRAY JOIN [toDateTime64('${shape.startIso}', 3, 'UTC') + toIntervalDay(d) + toIntervalSecond(1800 + r * 30)] AS at`;
}
