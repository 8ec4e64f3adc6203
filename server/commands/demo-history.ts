import type { ClickHouseClient } from '@clickhouse/client';
import { demoHistoryRows, hasNoHistory, writeDemoHistory } from '../../analytics/demo-history.ts';
import type { Db } from '../store/pool.ts';
import { demoHallProfiles } from '../store/seed-demo.ts';

/** Relative size of a hall by level: the city centre is busiest, a village point sees a few people a day. */
const WEIGHT: Record<string, number> = { city: 1, district: 0.6, town: 0.2, village: 0.05 };
/** Tickets a weekday in a weight-1 hall. */
const PER_DAY = 400;

/**
 * Writes the demo city's synthetic history (analytics/demo-history.ts) when
 * ClickHouse has nothing before today; returns how many events it wrote.
 * The hall day is Asia/Shanghai's (UTC+8), as the demo halls'.
 */
export async function seedDemoHistory(db: Db, ch: ClickHouseClient, now: Date, days: number): Promise<number> {
  const tzOffsetMin = 8 * 60;
  const local = new Date(now.getTime() + tzOffsetMin * 60_000);
  const todayStartUtc =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - tzOffsetMin * 60_000;
  if (!(await hasNoHistory(ch, new Date(todayStartUtc).toISOString()))) return 0;
  const halls = (await demoHallProfiles(db)).map((h) => ({ ...h, weight: WEIGHT[h.level] ?? 0.1 }));
  const rows = demoHistoryRows(halls, { days, perDay: PER_DAY, todayStartUtc, tzOffsetMin });
  await writeDemoHistory(ch, rows);
  return rows.length;
}
