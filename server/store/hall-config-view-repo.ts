import { HallError, type ErrorCode } from '../../contracts/index.ts';
import type { HallConfigView } from '../../contracts/config-admin.ts';
import { policyOf, validateHallConfig } from '../domain/queue/index.ts';
import { loadHallQueueConfig } from './queue-config-repo.ts';
import type { Db, Tx } from './pool.ts';

/** Problem codes of the engine's validator → REST refusal codes (malformed is a 400 BAD_REQUEST at the REST boundary). */
export function restProblemCode(c: ErrorCode): ErrorCode {
  return c === 'HALL_ERR_BAD_DATA' ? 'HALL_ERR_BAD_REQUEST' : c;
}

function noHall(hallId: string): never {
  const message = `no hall ${hallId}`;
  // The same shape as every configuration refusal (server/commands/hall-config/refuse.ts).
  throw new HallError('HALL_ERR_NOT_FOUND', message, { problems: [{ code: 'HALL_ERR_NOT_FOUND', path: '', message }] });
}

/**
 * The whole queue configuration of a hall as the admin page edits it: the
 * engine's view (loadHallQueueConfig) plus what it leaves out — address,
 * promised days, the raw department of queues and windows, a window's
 * all-day queues and its explicit periods apart, ticket machines' item sets
 * and callers' windows.
 */
export async function readHallConfig(db: Db | Tx, hallId: string, tz: string): Promise<HallConfigView> {
  const loaded = await loadHallQueueConfig(db, hallId, tz);
  if (!loaded) noHall(hallId);
  const h = await db.query<{ address: string | null; queue_policy: Record<string, unknown> | null }>(
    'SELECT address, queue_policy FROM halls WHERE id = $1',
    [hallId],
  );
  const items = await db.query<{
    code: string;
    name: string;
    department_id: string;
    queue_id: string;
    promised_days: number | null;
    standard_min: string | null;
    enterprise: boolean;
  }>(
    'SELECT code, name, department_id, queue_id, promised_days, standard_min, enterprise FROM items WHERE hall_id = $1 ORDER BY code',
    [hallId],
  );
  const queues = await db.query<{ id: string; department_id: string | null }>(
    'SELECT id, department_id FROM queues WHERE hall_id = $1',
    [hallId],
  );
  const windows = await db.query<{
    id: string;
    no: string;
    name: string;
    department_id: string | null;
    rater_device_id: string | null;
  }>('SELECT id, no, name, department_id, rater_device_id FROM windows WHERE hall_id = $1', [hallId]);
  const wq = await db.query<{ window_id: string; queue_id: string; weight: number }>(
    'SELECT wq.window_id, wq.queue_id, wq.weight FROM window_queues wq JOIN windows w ON w.id = wq.window_id WHERE w.hall_id = $1 ORDER BY wq.window_id, wq.queue_id',
    [hallId],
  );
  const per = await db.query<{ window_id: string; f: string; t: string; queue_id: string; weight: number }>(
    `SELECT p.window_id, to_char(p.period_from, 'HH24:MI') AS f, to_char(p.period_to, 'HH24:MI') AS t, p.queue_id, p.weight
     FROM window_periods p JOIN windows w ON w.id = p.window_id WHERE w.hall_id = $1 ORDER BY p.window_id, p.period_from, p.queue_id`,
    [hallId],
  );
  const devs = await db.query<{
    id: string;
    kind: HallConfigView['devices'][number]['kind'];
    online: boolean;
    revoked: boolean;
    window_id: string | null;
    item_codes: string[] | null;
  }>(
    "SELECT id, kind, online, revoked_at IS NOT NULL AS revoked, window_id, item_codes FROM devices WHERE hall_id = $1 AND kind IN ('ticketer', 'caller', 'rater') ORDER BY kind, id",
    [hallId],
  );

  const cfg = loaded!.config;
  const qDep = new Map(queues.rows.map((q) => [q.id, q.department_id]));
  const allDay = new Map<string, { queueId: string; weight: number }[]>();
  for (const r of wq.rows)
    (allDay.get(r.window_id) ?? allDay.set(r.window_id, []).get(r.window_id)!).push({
      queueId: r.queue_id,
      weight: Number(r.weight),
    });
  const periods = new Map<string, { from: string; to: string; queues: { queueId: string; weight: number }[] }[]>();
  for (const r of per.rows) {
    const list = periods.get(r.window_id) ?? periods.set(r.window_id, []).get(r.window_id)!;
    let p = list.find((x) => x.from === r.f);
    if (!p) list.push((p = { from: r.f, to: r.t, queues: [] }));
    p.queues.push({ queueId: r.queue_id, weight: Number(r.weight) });
  }
  const pol = policyOf(cfg);
  return {
    hall: {
      id: hallId,
      name: loaded!.hallName,
      address: h.rows[0]?.address ?? null,
      configVersion: loaded!.version,
      policy: {
        starvationMin: pol.starvationMin,
        skip: pol.skip,
        reactivateWithinMin: pol.reactivateWithinMin,
        transferAs: pol.transferAs,
      },
      policyOverrides: h.rows[0]?.queue_policy ?? null,
    },
    departments: cfg.departments.map((d) => ({ id: d.id, name: d.name })),
    items: items.rows.map((i) => ({
      code: i.code,
      name: i.name,
      departmentId: i.department_id,
      queueId: i.queue_id,
      promisedDays: i.promised_days,
      // numeric arrives as text from pg
      standardMin: i.standard_min === null ? null : Number(i.standard_min),
      enterprise: i.enterprise,
    })),
    queues: cfg.queues.map((q) => ({
      id: q.id,
      name: q.name,
      prefix: q.prefix,
      departmentId: qDep.get(q.id) ?? null,
      dailyCap: q.dailyCap,
      openFrom: q.openFrom,
      openTo: q.openTo,
      itemCodes: [...q.itemCodes],
    })),
    windows: windows.rows
      .map((w) => ({
        id: w.id,
        no: w.no,
        name: w.name,
        departmentId: w.department_id,
        raterDeviceId: w.rater_device_id,
        queues: allDay.get(w.id) ?? [],
        periods: periods.get(w.id) ?? [],
      }))
      // Numeric window numbers in number order (1, 2, …, 10), others after.
      .sort((a, b) => (Number(a.no) || Infinity) - (Number(b.no) || Infinity) || a.no.localeCompare(b.no)),
    devices: devs.rows.map((d) => ({
      deviceId: d.id,
      kind: d.kind,
      online: d.online,
      revoked: d.revoked,
      windowId: d.window_id,
      itemCodes: d.item_codes,
    })),
    problems: validateHallConfig(cfg).map((p) => ({ ...p, code: restProblemCode(p.code) })),
  };
}

/** readHallConfig in one REPEATABLE READ snapshot, so the parts agree with each other and the version. */
export async function readHallConfigSnapshot(db: Db, hallId: string, tz: string): Promise<HallConfigView> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const view = await readHallConfig(c, hallId, tz);
    await c.query('COMMIT');
    return view;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
