import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceKinds, roles, upMessages, type DeviceKind, type Role } from '../../contracts/index.ts';
import { addUser } from '../../server/store/users-repo.ts';
import {
  api,
  connectDevice,
  connectScreen,
  login,
  provisionDevice,
  startStack,
  type Stack,
  type TestDevice,
} from '../helpers/stack.ts';

/**
 * The authorization matrix (GB/T 22239-2019 8.1.4.2): every role × every endpoint, socket room
 * and device command, in and out of scope, asserting allow or deny.
 *
 * The expectations are written out here by hand, NOT read from the code's
 * permission table, so a wrong entry in the code fails this test. A new
 * endpoint fails it too until someone decides here who may call it.
 */

/** Role → permissions as 三权分立 demands (GB/T 22239-2019 8.1.4.2). */
const EXPECTED_ROLES: Record<Role, string[]> = {
  sysadmin: ['hall.read', 'permission.read', 'device.manage', 'config.manage', 'indicator.read'],
  secadmin: ['permission.read', 'user.manage', 'security.manage'],
  auditadmin: ['permission.read', 'audit.read', 'audit.export'],
  leader: ['hall.read', 'permission.read', 'indicator.read', 'data.export'],
  supervisor: [
    'hall.read',
    'permission.read',
    'queue.supervise',
    'pii.view',
    'indicator.read',
    'data.export',
    'review.handle',
  ],
  staff: ['hall.read', 'permission.read', 'queue.operate', 'pii.view'],
  reviewer: ['hall.read', 'permission.read', 'review.handle'],
  appointment: ['hall.read', 'permission.read', 'appointment.manage', 'pii.view'],
};

/**
 * Endpoint → the permission it must check. `public`: no session needed
 * (sign-in). `hook`: the external broker's webhooks, guarded by their own
 * shared secret instead of a session (enabled by BROKER_HOOK_SECRET).
 * `session`: any signed-in user, acting on themselves only (logout, own
 * password, own TOTP).
 */
const EXPECTED_ENDPOINTS: Record<string, string> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'session',
  // Sign-in hardening (docs/authentication.md): own session, own password, own TOTP; admin acts; caller sign-in.
  'GET /api/auth/session': 'session',
  'POST /api/auth/password': 'session',
  'POST /api/auth/totp/setup': 'session',
  'POST /api/auth/totp/confirm': 'session',
  'POST /api/auth/sessions/revoke': 'security.manage',
  'POST /api/auth/totp/reset': 'security.manage',
  'POST /api/auth/caller-token': 'queue.operate',
  'POST /api/auth/pin': 'queue.operate',
  'POST /api/broker/auth': 'hook',
  'POST /api/broker/acl': 'hook',
  'GET /api/halls': 'hall.read',
  'GET /api/halls/:hallId/snapshot': 'hall.read',
  'GET /api/halls/:hallId/tickets/:ticketId/identity': 'pii.view',
  'GET /api/permissions': 'permission.read',
  'POST /api/devices': 'device.manage',
  'POST /api/users': 'user.manage',
  'GET /api/audit': 'audit.read',
  'GET /api/audit/verify': 'audit.read',
  'GET /api/audit/export': 'audit.export',
  'GET /api/devices': 'device.manage',
  'POST /api/devices/:deviceId/rotate': 'device.manage',
  'POST /api/devices/:deviceId/revoke': 'device.manage',
  // Queue assignment and calling (001 §1.1.1.15–16).
  'POST /api/halls/:hallId/windows/:windowId/ops': 'queue.operate',
  'POST /api/halls/:hallId/windows/:windowId/supervise': 'queue.supervise',
  // Window console (docs/console.md): the chooser names the staff at each window, so queue.operate, not hall.read.
  'GET /api/halls/:hallId/windows': 'queue.operate',
  'POST /api/halls/:hallId/windows/:windowId/signin': 'queue.operate',
  'POST /api/halls/:hallId/windows/:windowId/signout': 'queue.operate',
  'GET /api/halls/:hallId/windows/:windowId/console': 'queue.operate',
  // The citizen's ticket page (/t/{ticketId}): no session, rate-limited, nothing personal.
  'GET /api/public/tickets/:ticketId': 'public',
  // Queue configuration admin (docs/admin.md): config.manage, hall scope.
  'GET /api/halls/:hallId/config': 'config.manage',
  'PATCH /api/halls/:hallId': 'config.manage',
  'POST /api/halls/:hallId/departments': 'config.manage',
  'PUT /api/halls/:hallId/departments/:departmentId': 'config.manage',
  'DELETE /api/halls/:hallId/departments/:departmentId': 'config.manage',
  'POST /api/halls/:hallId/items': 'config.manage',
  'PUT /api/halls/:hallId/items/:code': 'config.manage',
  'DELETE /api/halls/:hallId/items/:code': 'config.manage',
  'POST /api/halls/:hallId/queues': 'config.manage',
  'PUT /api/halls/:hallId/queues/:queueId': 'config.manage',
  'DELETE /api/halls/:hallId/queues/:queueId': 'config.manage',
  'POST /api/halls/:hallId/windows': 'config.manage',
  'PUT /api/halls/:hallId/windows/:windowId': 'config.manage',
  'DELETE /api/halls/:hallId/windows/:windowId': 'config.manage',
  'PUT /api/halls/:hallId/windows/:windowId/periods': 'config.manage',
  'PUT /api/halls/:hallId/devices/:deviceId/items': 'config.manage',
  'PUT /api/halls/:hallId/devices/:deviceId/window': 'config.manage',
  // The indicator catalog and its values (docs/indicators.md).
  'GET /api/indicators': 'indicator.read',
  'GET /api/indicators/values': 'indicator.read',
  'GET /api/halls/:hallId/indicators': 'indicator.read',
  // The leadership screens' series, rankings, region roll-up and map.
  'GET /api/analytics/trend': 'indicator.read',
  'GET /api/analytics/ranking': 'indicator.read',
  'GET /api/analytics/regions': 'indicator.read',
  'GET /api/analytics/map': 'indicator.read',
  'GET /api/analytics/forecast': 'indicator.read',
  // The models on the screens (service efficiency, case trend, review scores, multiple visits).
  'GET /api/analytics/efficiency': 'indicator.read',
  'GET /api/analytics/case-trend': 'indicator.read',
  'GET /api/analytics/review-scores': 'indicator.read',
  'GET /api/analytics/multiple-visits': 'indicator.read',
};

const HALL_IN = 'h-east';
const HALL_OUT = 'h-west';
const PASSWORD = 'Matrix#Check-2026';

let s: Stack;
const tokens = {} as Record<Role, string>;
let endpoints: { method: string; path: string; permission: string | null; hallScoped: boolean }[];

function fill(path: string, hallId: string): string {
  return path
    .replace(':hallId', hallId)
    .replace(':deviceId', `${hallId}-ticketer-1`)
    .replace(':ticketId', '00000000-0000-4000-8000-000000000000')
    .replace(/:[A-Za-z]+/g, 'x');
}

async function deniedCount(username: string): Promise<number> {
  const r = await s.app.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE action = 'permission.denied' AND username = $1",
    [username],
  );
  return r.rows[0]!.n;
}

describe('authorization matrix', () => {
  beforeAll(async () => {
    s = await startStack({ BROKER_HOOK_SECRET: 'matrix-hook-secret-0123456789' });
    // One user per role, bound to one hall, so "in scope" and "out of scope" are the same two halls for everyone.
    for (const role of roles) {
      await addUser(s.app.db, { username: `m-${role}`, password: PASSWORD, role, hallId: HALL_IN });
      tokens[role] = await login(s, `m-${role}`, PASSWORD);
    }
    const r = await api<{ endpoints: typeof endpoints }>(s, 'GET', '/api/permissions', undefined, tokens.leader);
    expect(r.status).toBe(200);
    endpoints = r.body.endpoints;
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('the code gives each role exactly the permissions the issue asks for', async () => {
    const r = await api<{ roles: Record<string, string[]> }>(s, 'GET', '/api/permissions', undefined, tokens.staff);
    for (const role of roles) expect([...r.body.roles[role]!].sort(), role).toEqual([...EXPECTED_ROLES[role]].sort());
  });

  it('every API endpoint is in this matrix and checks the permission written here', () => {
    const listed = Object.fromEntries(
      endpoints.map((e) => [`${e.method} ${e.path}`, e.permission ?? 'public|session']),
    );
    const expected = Object.fromEntries(
      Object.entries(EXPECTED_ENDPOINTS).map(([k, v]) => [
        k,
        ['public', 'session', 'hook'].includes(v) ? 'public|session' : v,
      ]),
    );
    expect(listed).toEqual(expected);
  });

  it('without a session every non-public endpoint answers 401, public ones do not', async () => {
    for (const [key, p] of Object.entries(EXPECTED_ENDPOINTS)) {
      const [method, path] = key.split(' ') as [string, string];
      const r = await api(s, method, fill(path, HALL_IN), method === 'GET' ? undefined : {});
      if (p === 'public') expect(r.status, key).not.toBe(401);
      else if (p === 'hook') expect(r.status, `${key} without the hook secret`).toBe(403);
      else expect(r.status, key).toBe(401);
    }
  });

  it('role × endpoint: 403 exactly when the role lacks the permission, and the denial is audited', async () => {
    for (const role of roles) {
      for (const e of endpoints) {
        if (!e.permission) continue;
        const key = `${e.method} ${e.path}`;
        const before = await deniedCount(`m-${role}`);
        const r = await api(s, e.method, fill(e.path, HALL_IN), e.method === 'GET' ? undefined : {}, tokens[role]);
        const allowed = EXPECTED_ROLES[role].includes(EXPECTED_ENDPOINTS[key]!);
        if (allowed) {
          expect([401, 403], `${role} ${key} → ${r.status} ${r.text}`).not.toContain(r.status);
          expect(await deniedCount(`m-${role}`), `${role} ${key} audited a denial`).toBe(before);
        } else {
          expect(r.status, `${role} ${key} → ${r.text}`).toBe(403);
          expect((r.body as { error: { code: string } }).error.code).toBe('HALL_ERR_FORBIDDEN');
          expect(await deniedCount(`m-${role}`), `${role} ${key} denial not audited`).toBe(before + 1);
        }
      }
    }
  }, 120_000);

  it('role × hall-scoped endpoint out of scope: 404 like a hall that does not exist, audited', async () => {
    const scoped = endpoints.filter((e) => e.hallScoped);
    expect(scoped.length).toBeGreaterThan(0);
    for (const role of roles) {
      for (const e of scoped) {
        if (!EXPECTED_ROLES[role].includes(e.permission!)) continue;
        const before = await deniedCount(`m-${role}`);
        const r = await api(s, e.method, fill(e.path, HALL_OUT), e.method === 'GET' ? undefined : {}, tokens[role]);
        expect(r.status, `${role} ${e.method} ${e.path} on ${HALL_OUT}`).toBe(404);
        expect(await deniedCount(`m-${role}`)).toBe(before + 1);
        const missing = await api(
          s,
          e.method,
          fill(e.path, 'h-nowhere'),
          e.method === 'GET' ? undefined : {},
          tokens[role],
        );
        expect(missing.status).toBe(404);
      }
    }
  });

  it('a hall in the request body is checked against the scope too', async () => {
    const dev = await api(s, 'POST', '/api/devices', { hallId: HALL_OUT, kind: 'rater' }, tokens.sysadmin);
    expect(dev.status).toBe(404);
    const devIn = await api(s, 'POST', '/api/devices', { hallId: HALL_IN, kind: 'rater' }, tokens.sysadmin);
    expect(devIn.status).toBe(201);
    const user = await api(s, 'POST', '/api/users', { role: 'staff', hallId: HALL_OUT }, tokens.secadmin);
    expect(user.status).toBe(404);
    const userIn = await api(s, 'POST', '/api/users', { role: 'staff', hallId: HALL_IN }, tokens.secadmin);
    expect(userIn.status).toBe(201);
    // A hall-bound security admin cannot create unbound (city-wide) accounts.
    const wide = await api(s, 'POST', '/api/users', { role: 'leader' }, tokens.secadmin);
    expect(wide.status).toBe(403);
  });

  it('region scope: a district leader sees the district and the halls below it, not the neighbours', async () => {
    await addUser(s.app.db, { username: 'm-district', password: PASSWORD, role: 'leader', regionCode: '440902' });
    const t = await login(s, 'm-district', PASSWORD);
    const halls = await api<{ halls: { id: string }[] }>(s, 'GET', '/api/halls', undefined, t);
    expect(halls.body.halls.map((h) => h.id).sort()).toEqual(['h-donghu', 'h-donghu-v', 'h-east']);
    expect((await api(s, 'GET', '/api/halls/h-donghu-v/snapshot', undefined, t)).status).toBe(200);
    expect((await api(s, 'GET', '/api/halls/h-west/snapshot', undefined, t)).status).toBe(404);
    expect((await api(s, 'GET', '/api/halls/h-city/snapshot', undefined, t)).status).toBe(404);
  });

  it('role × socket room hall:{id}: joined only with hall.read and only in scope; denials audited', async () => {
    for (const role of roles) {
      const sock = await connectScreen(s, tokens[role]);
      try {
        const before = await deniedCount(`m-${role}`);
        const inScope = await sock.emitWithAck('hall:join', { hallId: HALL_IN });
        expect(inScope.ok, `${role} join ${HALL_IN}`).toBe(EXPECTED_ROLES[role].includes('hall.read'));
        const out = await sock.emitWithAck('hall:join', { hallId: HALL_OUT });
        expect(out.ok, `${role} join ${HALL_OUT}`).toBe(false);
        const resync = await sock.emitWithAck('hall:resync', { hallId: HALL_OUT });
        expect(resync.ok).toBe(false);
        const denials = (inScope.ok ? 0 : 1) + 2;
        expect(await deniedCount(`m-${role}`), `${role} socket denials audited`).toBe(before + denials);
      } finally {
        sock.close();
      }
    }
  });

  describe('device kind × command', () => {
    const devices = {} as Record<DeviceKind, TestDevice>;
    beforeAll(async () => {
      for (const kind of deviceKinds)
        devices[kind] = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL_IN, kind, `m-${kind}`));
    });
    afterAll(async () => {
      for (const d of Object.values(devices)) await d.close();
    });

    it('a device may send exactly the message types of its kind', async () => {
      const allTypes = [...new Set(Object.values(upMessages).flatMap((m) => Object.keys(m)))];
      for (const kind of deviceKinds) {
        for (const type of allTypes) {
          const own = type in upMessages[kind];
          // An empty data object: allowed types fail their schema (BAD_DATA), foreign ones are refused by type first.
          const reply = await devices[kind].request(type, { __probe: true });
          expect(reply.type, `${kind} ${type}`).toBe('error');
          expect(reply.data.code, `${kind} ${type}`).toBe(own ? 'HALL_ERR_BAD_DATA' : 'HALL_ERR_UNKNOWN_TYPE');
        }
      }
    }, 60_000);
  });
});
