import type { DeviceCredentials, DeviceKind, SimCaller } from '../../contracts/index.ts';
import { withTx, type Db } from './pool.ts';
import { addDevice } from './devices-repo.ts';
import { addUser, setPin, userIdByName } from './users-repo.ts';

/**
 * The demo city seeded on first start with an empty database:
 * a city hall, two district halls, a town centre and a village point
 * (市/县/镇/村, DOMAIN.md), with departments, items, queues, windows and devices.
 * Names and codes are invented; the region codes follow the GB/T 2260 shape.
 */
export const DEMO_PASSWORD = 'Demo#2026';
/** Caller (呼叫器) PIN of every demo staff account; demo only, like the password. */
export const DEMO_PIN = '730415';
/** Demo hall staff (window staff, queue.operate) with a PIN; the simulator's callers use their own `sim-clerk-*` accounts. */
export const DEMO_STAFF: Readonly<Record<string, string>> = {
  'h-city': 'staff-city',
  'h-east': 'staff-east',
  'h-west': 'staff-west',
  'h-donghu': 'staff-donghu',
};

const REGIONS = [
  ['440900', '示范市', 'city', null],
  ['440902', '城东区', 'district', '440900'],
  ['440904', '城西区', 'district', '440900'],
  ['440902001', '东湖镇', 'town', '440902'],
  ['440902001001', '东湖村', 'village', '440902001'],
] as const;

type Level = 'city' | 'district' | 'town' | 'village';
const HALLS: { id: string; name: string; region: string; level: Level; address: string; windows: number }[] = [
  {
    id: 'h-city',
    name: '示范市政务服务中心',
    region: '440900',
    level: 'city',
    address: '示范市人民大道1号',
    windows: 12,
  },
  {
    id: 'h-east',
    name: '城东区政务服务中心',
    region: '440902',
    level: 'district',
    address: '城东区建设路8号',
    windows: 8,
  },
  {
    id: 'h-west',
    name: '城西区政务服务中心',
    region: '440904',
    level: 'district',
    address: '城西区文明路20号',
    windows: 8,
  },
  {
    id: 'h-donghu',
    name: '东湖镇便民服务中心',
    region: '440902001',
    level: 'town',
    address: '东湖镇中心街3号',
    windows: 3,
  },
  {
    id: 'h-donghu-v',
    name: '东湖村党群服务中心',
    region: '440902001001',
    level: 'village',
    address: '东湖村委会',
    windows: 1,
  },
];

// department key, department name, queue prefix, queue name,
// items [code, name, promised days, standard minutes (null: not set), 涉企 (migration 014)]
type Line = [string, string, string, string, [string, string, number, number | null, boolean][]];
const LINES: Line[] = [
  [
    'ga',
    '公安局户政',
    'B',
    '户政业务',
    [
      ['GA-001', '居民身份证换领', 15, 10, false],
      ['GA-002', '户口迁移', 5, 15, false],
    ],
  ],
  // 养老保险关系转移 has no standard set: the efficiency model takes its average handling time (docs/models.md "On the screens").
  [
    'rs',
    '人力资源和社会保障局',
    'C',
    '社保医保',
    [
      ['RS-001', '社会保障卡申领', 1, 8, false],
      ['RS-002', '养老保险关系转移', 15, null, false],
    ],
  ],
  [
    'sc',
    '市场监督管理局',
    'E',
    '企业开办',
    [
      ['SC-001', '企业设立登记', 1, 20, true],
      ['SC-002', '个体工商户注册', 1, 15, true],
    ],
  ],
  ['bdc', '不动产登记中心', 'D', '不动产登记', [['BDC-001', '不动产转移登记', 5, 30, false]]],
  ['sw', '税务局', 'F', '税务办理', [['SW-001', '发票领用', 1, 6, true]]],
];
const SMALL_LINES: Line[] = [
  [
    'zh',
    '综合受理',
    'A',
    '综合窗口',
    [
      ['ZH-001', '社会保障卡申领', 1, 8, false],
      ['ZH-002', '城乡居民医保参保', 1, 6, false],
      ['ZH-003', '证明开具', 1, null, false],
    ],
  ],
];

export interface SeedResult {
  seeded: boolean;
  simDevices: DeviceCredentials[];
  simCallers: SimCaller[];
}

/** Seeds once: the first process to lock an empty `halls` table does it; others find it full. */
export async function seedDemoCity(db: Db): Promise<SeedResult> {
  const seeded = await withTx(db, async (tx) => {
    await tx.query('LOCK TABLE halls IN EXCLUSIVE MODE');
    if (((await tx.query('SELECT 1 FROM halls LIMIT 1')).rowCount ?? 0) > 0) return false;
    for (const [code, name, level, parent] of REGIONS) {
      await tx.query('INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)', [
        code,
        name,
        level,
        parent,
      ]);
    }
    for (const h of HALLS) {
      await tx.query('INSERT INTO halls (id, name, region_code, level, address) VALUES ($1, $2, $3, $4, $5)', [
        h.id,
        h.name,
        h.region,
        h.level,
        h.address,
      ]);
      const lines = h.level === 'city' || h.level === 'district' ? [SMALL_LINES[0]!, ...LINES] : SMALL_LINES;
      const queueIds: string[] = [];
      const depIds: string[] = [];
      for (const [dep, depName, prefix, qName, items] of lines) {
        const depId = `${h.id}-${dep}`,
          queueId = `${h.id}-q${prefix}`;
        queueIds.push(queueId);
        depIds.push(depId);
        await tx.query('INSERT INTO departments (id, hall_id, name) VALUES ($1, $2, $3)', [depId, h.id, depName]);
        await tx.query(
          "INSERT INTO queues (id, hall_id, name, prefix, daily_cap, open_from, open_to) VALUES ($1, $2, $3, $4, 999, '00:00', '24:00')",
          [queueId, h.id, qName, prefix],
        );
        for (const [code, name, days, standardMin, enterprise] of items) {
          await tx.query(
            'INSERT INTO items (hall_id, code, name, department_id, queue_id, promised_days, standard_min, enterprise) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
            [h.id, code, name, depId, queueId, days, standardMin, enterprise],
          );
        }
      }
      for (let w = 1; w <= h.windows; w++) {
        const wid = `${h.id}-w${w}`;
        // The window belongs to the department of its own line (窗口 → 部门, 001 §1.1.1.17 窗口配置).
        await tx.query('INSERT INTO windows (id, hall_id, no, name, department_id) VALUES ($1, $2, $3, $4, $5)', [
          wid,
          h.id,
          String(w),
          `${w}号窗口`,
          depIds[(w - 1) % depIds.length]!,
        ]);
        // The first window is the general (综合) one; the others serve their line and the general queue.
        const own = queueIds[(w - 1) % queueIds.length]!;
        for (const q of new Set([own, queueIds[0]!])) {
          await tx.query('INSERT INTO window_queues (window_id, queue_id, weight) VALUES ($1, $2, $3)', [
            wid,
            q,
            q === own ? 2 : 1,
          ]);
        }
      }
    }
    return true;
  });
  if (!seeded) return { seeded: false, simDevices: [], simCallers: [] };

  const simDevices: DeviceCredentials[] = [];
  for (const h of HALLS) {
    const kinds: DeviceKind[] =
      h.level === 'village'
        ? ['ticketer', 'camera']
        : h.level === 'town'
          ? ['ticketer', 'camera', 'camera', 'display']
          : ['ticketer', 'ticketer', 'camera', 'camera', 'display'];
    let i = 0;
    for (const kind of kinds) simDevices.push(await addDevice(db, h.id, kind, `${h.id}-${kind}-${++i}`));
  }
  await addUser(db, { username: 'admin', password: DEMO_PASSWORD, role: 'sysadmin' });
  await addUser(db, { username: 'leader', password: DEMO_PASSWORD, role: 'leader', regionCode: '440900' });
  await addUser(db, { username: 'east-leader', password: DEMO_PASSWORD, role: 'leader', regionCode: '440902' });
  await addUser(db, { username: 'sup-city', password: DEMO_PASSWORD, role: 'supervisor', hallId: 'h-city' });
  await addUser(db, { username: 'sup-east', password: DEMO_PASSWORD, role: 'supervisor', hallId: 'h-east' });
  // 三权分立 (GB/T 22239-2019 8.1.4.2): system, security and audit administration are three accounts.
  await addUser(db, { username: 'security', password: DEMO_PASSWORD, role: 'secadmin' });
  await addUser(db, { username: 'auditor', password: DEMO_PASSWORD, role: 'auditadmin' });
  await addUser(db, { username: 'staff-east', password: DEMO_PASSWORD, role: 'staff', hallId: 'h-east' });
  const simCallers = await seedCallers(db, simDevices);
  return { seeded: true, simDevices, simCallers };
}

/**
 * Window callers (呼叫器, 001 §1.1.1.16): every window of the city, district and
 * town halls gets a caller bound to it (devices.window_id). Each hall has a
 * demo staff account with a PIN for people trying the caller or the console
 * (DEMO_STAFF), and each simulated caller its own clerk account: one person
 * works at one window at a time (window_staff), so the simulator must not
 * share an account with a person. The clerks reuse the first account's
 * argon2 hashes: hashing 30 demo accounts would slow every first start, and
 * these are demo secrets anyway.
 */
async function seedCallers(db: Db, simDevices: DeviceCredentials[]): Promise<SimCaller[]> {
  const callers: SimCaller[] = [];
  for (const [hallId, username] of Object.entries(DEMO_STAFF)) {
    if (username !== 'staff-east') await addUser(db, { username, password: DEMO_PASSWORD, role: 'staff', hallId });
  }
  const template = (await userIdByName(db, 'staff-east'))!;
  await setPin(db, template.userId, DEMO_PIN);
  await db.query(
    "UPDATE users SET pin_hash = (SELECT pin_hash FROM users WHERE username = 'staff-east') WHERE username = ANY($1)",
    [Object.values(DEMO_STAFF)],
  );
  for (const h of HALLS) {
    if (h.level === 'village') continue;
    const short = h.id.replace(/^h-/, '');
    for (let w = 1; w <= h.windows; w++) {
      const windowId = `${h.id}-w${w}`;
      const cred = await addDevice(db, h.id, 'caller', `${h.id}-caller-w${w}`);
      await db.query('UPDATE devices SET window_id = $2 WHERE id = $1', [cred.deviceId, windowId]);
      simDevices.push(cred);
      const account = `sim-clerk-${short}-${w}`;
      await db.query(
        `INSERT INTO users (username, password_hash, pin_hash, role, hall_id, must_change_password)
         SELECT $1, password_hash, pin_hash, 'staff', $2, false FROM users WHERE username = 'staff-east'`,
        [account, h.id],
      );
      callers.push({ deviceId: cred.deviceId, windowId, account, pin: DEMO_PIN });
    }
  }
  return callers;
}

/**
 * The demo halls' windows (with the simulated clerk of each, `sim-clerk-*`, as
 * the staff who works there) and items (with their standard minutes), for the
 * synthetic demo history (analytics/demo-history.ts).
 */
export async function demoHallProfiles(db: Db): Promise<
  {
    id: string;
    level: string;
    windows: { id: string; no: string; staffId: string | null }[];
    items: { code: string; queueId: string; departmentId: string; standardMin: number | null }[];
  }[]
> {
  const [h, w, i] = await Promise.all([
    db.query<{ id: string; level: string }>('SELECT id, level FROM halls ORDER BY id'),
    db.query<{ id: string; hall_id: string; no: string; staff_id: string | null }>(
      `SELECT w.id, w.hall_id, w.no, u.id::text AS staff_id FROM windows w
         LEFT JOIN users u ON u.username = 'sim-clerk-' || substr(w.hall_id, 3) || '-' || w.no
        ORDER BY w.hall_id, length(w.no), w.no`,
    ),
    db.query<{ hall_id: string; code: string; queue_id: string; department_id: string; standard_min: number | null }>(
      'SELECT hall_id, code, queue_id, department_id, standard_min::float8 AS standard_min FROM items ORDER BY hall_id, code',
    ),
  ]);
  return h.rows.map((x) => ({
    id: x.id,
    level: x.level,
    windows: w.rows.filter((y) => y.hall_id === x.id).map((y) => ({ id: y.id, no: y.no, staffId: y.staff_id })),
    items: i.rows
      .filter((y) => y.hall_id === x.id)
      .map((y) => ({ code: y.code, queueId: y.queue_id, departmentId: y.department_id, standardMin: y.standard_min })),
  }));
}
