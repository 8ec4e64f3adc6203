import type { IndicatorDescription } from '../../contracts/indicators.ts';
import { EVENT_COLUMNS } from '../../contracts/event-columns.ts';

/**
 * An indicator of the catalog: its public description (contracts/indicators.ts)
 * plus the ClickHouse SQL behind it. The SQL reads the `events` table
 * (analytics/clickhouse.ts) and returns one row with one column `value`
 * (Float64 or Nullable(Float64)). It takes its inputs only as query
 * parameters — `{hallIds:Array(String)}`, `{from:DateTime64(3)}`,
 * `{to:DateTime64(3)}` and, for state indicators, `{tz:String}` — never as
 * text pasted into it.
 */
export interface IndicatorDefinition extends IndicatorDescription {
  readonly sql: string;
}

/** The parameters an indicator's SQL may use; evaluate.ts binds exactly the ones it names. */
export const INDICATOR_PARAMS = ['hallIds', 'from', 'to', 'tz'] as const;
export type IndicatorParam = (typeof INDICATOR_PARAMS)[number];

// SQL fragments shared by the area files. Constants of the code, not values.
/**
 * Halls of the scope. `IN` an array parameter builds one set per query and lets the primary
 * index prune; `has(array, hall_id)` pruned too but searched the 120-hall array per row, five
 * times slower on a city's month (bench:analytics, docs/benchmarks.md).
 */
export const IN_HALLS = 'hall_id IN {hallIds:Array(String)}';
/** Flow indicators: events inside [from, to). */
export const IN_PERIOD = 'at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}';
/**
 * State indicators: events of the hall day of `to` (hall time zone), up to
 * `to`. Numbers restart and windows start closed each hall day
 * (server/domain/queue/state.ts rollDay), so nothing earlier matters.
 */
export const IN_HALL_DAY =
  'at >= toStartOfDay(toTimeZone({to:DateTime64(3)}, {tz:String})) AND at < {to:DateTime64(3)}';
/** Period bounds as epoch milliseconds: integer arithmetic, no time-zone typing between DateTime64 kinds. */
export const FROM_MS = 'toUnixTimestamp64Milli({from:DateTime64(3)})';
export const TO_MS = 'toUnixTimestamp64Milli({to:DateTime64(3)})';
/**
 * Data fields that `events` also holds as columns (contracts/event-columns.ts:
 * sent by the relay, else extracted at insert): reading the column spares
 * parsing every payload (bench:analytics, docs/benchmarks.md).
 */
const COLUMN_OF: Readonly<Record<string, string>> = Object.fromEntries(
  EVENT_COLUMNS.map(([column, , field]) => [field, column]),
);
/** A field of the event's `data`: its column when it has one, else from the payload (the whole event JSON). */
export const dataString = (field: string): string =>
  COLUMN_OF[field] ?? `JSONExtractString(payload, 'data', '${field}')`;
/** A numeric field of the event's `data` (0 when absent), its column when it has one. */
export const dataFloat = (field: string): string => COLUMN_OF[field] ?? `JSONExtractFloat(payload, 'data', '${field}')`;
/** An ISO instant inside `data`, as epoch milliseconds (NULL when absent or unparsable). */
export const dataMs = (field: string): string =>
  `toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(${dataString(field)}, 3, 'UTC'))`;
/** `100 * part / whole`, NULL when there is nothing to divide by. */
export const percent = (part: string, whole: string): string => `if(${whole} = 0, NULL, 100 * ${part} / ${whole})`;
