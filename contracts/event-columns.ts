/**
 * Data fields of domain events that travel to ClickHouse beside the payload,
 * as columns of `events` (docs/analytics.md "Schema"; ADR 0008/0009): the relay takes
 * them out of the jsonb in PostgreSQL (server/store/relay-repo.ts), ClickHouse
 * creates them (analytics/clickhouse.ts) and the catalog and the screens group
 * and filter by them. One list, so a new column is one line here.
 * [column, ClickHouse type, data field]; an event without the field sends ''
 * or 0.
 */
export const EVENT_COLUMNS = [
  ['ticket_id', 'String', 'ticketId'],
  ['window_id', 'String', 'windowId'],
  ['item_code', 'String', 'itemCode'],
  ['department_id', 'String', 'departmentId'],
  ['waited_min', 'Float64', 'waitedMin'],
  ['service_min', 'Float64', 'serviceMin'],
  // Which call of its ticket a ticket.called is (1 = first; 0 = an event from before the engine numbered calls).
  ['call_no', 'UInt16', 'call'],
  // The staff user who acted at the window ('' when none): rankings and efficiency per staff.
  ['staff_id', 'String', 'staffId'],
  // The case a case event or a review is about; the applicant's keyed look-up hash on ticket.issued (跑多次).
  ['case_id', 'String', 'caseId'],
  ['applicant_key', 'String', 'applicantKey'],
] as const;

type Col = (typeof EVENT_COLUMNS)[number];
/** The columns' values of one event: text for String columns, numbers for the others. */
export type EventColumnValues = { [C in Col as C[0]]: C[1] extends 'String' ? string : number };
