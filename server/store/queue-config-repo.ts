import type { CallingPolicy, HallQueueConfig, QueueWeight, WindowConfig, WindowPeriod } from '../domain/queue/index.ts';
import type { Db, Tx } from './pool.ts';

/**
 * Reads a hall's queue configuration (001 §1.1.1.17 队列配置 / 窗口配置) into the
 * engine's plain shape. Windows with rows in `window_periods` get those
 * periods; windows without serve their `window_queues` all day. A queue or
 * window without a department takes the department of its first item /
 * queue, so halls seeded before migration 008 still load.
 */
export interface LoadedConfig {
  readonly config: HallQueueConfig;
  readonly version: number;
  readonly hallName: string;
}

export async function loadHallQueueConfig(db: Db | Tx, hallId: string, tz: string): Promise<LoadedConfig | null> {
  const h = await db.query<{ name: string; config_version: number; queue_policy: Partial<CallingPolicy> | null }>(
    'SELECT name, config_version, queue_policy FROM halls WHERE id = $1',
    [hallId],
  );
  const hall = h.rows[0];
  if (!hall) return null;
  // One after another: on a transaction's client, parallel queries would only queue up (pg warns).
  const deps = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM departments WHERE hall_id = $1 ORDER BY id',
    [hallId],
  );
  const items = await db.query<{ code: string; name: string; department_id: string; queue_id: string }>(
    'SELECT code, name, department_id, queue_id FROM items WHERE hall_id = $1 ORDER BY code',
    [hallId],
  );
  const queues = await db.query<{
    id: string;
    name: string;
    prefix: string;
    department_id: string | null;
    daily_cap: number;
    open_from: string;
    open_to: string;
  }>(
    "SELECT id, name, prefix, department_id, daily_cap, to_char(open_from, 'HH24:MI') AS open_from, to_char(open_to, 'HH24:MI') AS open_to FROM queues WHERE hall_id = $1 ORDER BY prefix",
    [hallId],
  );
  const windows = await db.query<{
    id: string;
    no: string;
    name: string;
    department_id: string | null;
    rater_device_id: string | null;
  }>(
    // Natural order of window numbers (2 before 10): what the wall, the console and the LED show.
    'SELECT id, no, name, department_id, rater_device_id FROM windows WHERE hall_id = $1 ORDER BY length(no), no, id',
    [hallId],
  );
  const periods = await db.query<{
    window_id: string;
    period_from: string;
    period_to: string;
    queue_id: string;
    weight: number;
  }>(
    `SELECT p.window_id, to_char(p.period_from, 'HH24:MI') AS period_from, to_char(p.period_to, 'HH24:MI') AS period_to, p.queue_id, p.weight
       FROM window_periods p JOIN windows w ON w.id = p.window_id WHERE w.hall_id = $1 ORDER BY p.window_id, p.period_from, p.queue_id`,
    [hallId],
  );
  const allDay = await db.query<{ window_id: string; queue_id: string; weight: number }>(
    `SELECT wq.window_id, wq.queue_id, wq.weight FROM window_queues wq JOIN windows w ON w.id = wq.window_id
       WHERE w.hall_id = $1 ORDER BY wq.window_id, wq.queue_id`,
    [hallId],
  );

  const itemsByDep = new Map<string, { code: string; name: string }[]>();
  const itemsByQueue = new Map<string, string[]>();
  const depOfItem = new Map<string, string>();
  for (const it of items.rows) {
    push(itemsByDep, it.department_id, { code: it.code, name: it.name });
    push(itemsByQueue, it.queue_id, it.code);
    depOfItem.set(it.code, it.department_id);
  }
  const queueDep = new Map<string, string | undefined>();
  const queueCfg = queues.rows.map((q) => {
    const codes = itemsByQueue.get(q.id) ?? [];
    const dep = q.department_id ?? (codes[0] !== undefined ? depOfItem.get(codes[0]) : undefined);
    queueDep.set(q.id, dep);
    return {
      id: q.id,
      name: q.name,
      prefix: q.prefix,
      itemCodes: codes,
      dailyCap: q.daily_cap,
      // PostgreSQL prints time '24:00' as 24:00 (to_char keeps it), which the engine reads as end of day.
      openFrom: q.open_from,
      openTo: q.open_to,
      ...(dep !== undefined ? { departmentId: dep } : {}),
    };
  });

  const periodRows = new Map<string, Map<string, { to: string; queues: QueueWeight[] }>>();
  for (const p of periods.rows) {
    let byFrom = periodRows.get(p.window_id);
    if (!byFrom) periodRows.set(p.window_id, (byFrom = new Map()));
    let per = byFrom.get(p.period_from);
    if (!per) byFrom.set(p.period_from, (per = { to: p.period_to, queues: [] }));
    per.queues.push({ queueId: p.queue_id, weight: Number(p.weight) });
  }
  const allDayRows = new Map<string, QueueWeight[]>();
  for (const r of allDay.rows) push(allDayRows, r.window_id, { queueId: r.queue_id, weight: Number(r.weight) });

  const firstDep = deps.rows[0]?.id ?? '';
  const windowCfg: WindowConfig[] = windows.rows.map((w) => {
    const byFrom = periodRows.get(w.id);
    const ps: WindowPeriod[] = byFrom
      ? [...byFrom.entries()].map(([from, p]) => ({ from, to: p.to, queues: p.queues }))
      : allDayRows.has(w.id)
        ? [{ from: '00:00', to: '24:00', queues: allDayRows.get(w.id)! }]
        : [];
    const firstQueue = ps[0]?.queues[0]?.queueId;
    const dep = w.department_id ?? (firstQueue !== undefined ? queueDep.get(firstQueue) : undefined) ?? firstDep;
    return {
      id: w.id,
      no: w.no,
      name: w.name,
      departmentId: dep,
      periods: ps,
      ...(w.rater_device_id ? { raterDeviceId: w.rater_device_id } : {}),
    };
  });

  return {
    version: hall.config_version,
    hallName: hall.name,
    config: {
      hallId,
      tz,
      departments: deps.rows.map((d) => ({ id: d.id, name: d.name, items: itemsByDep.get(d.id) ?? [] })),
      queues: queueCfg,
      windows: windowCfg,
      ...(hall.queue_policy ? { policy: hall.queue_policy } : {}),
    },
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
