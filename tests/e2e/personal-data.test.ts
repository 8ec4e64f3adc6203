import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  startStack,
  connectDevice,
  connectScreen,
  joinHall,
  login,
  until,
  api,
  type Stack,
  type TestDevice,
  type Screen,
} from '../helpers/stack.ts';
import { addDevice } from '../../server/store/devices-repo.ts';
import { KEY_COMMANDS } from '../../cli/key-commands.ts';
import { loadConfig } from '../../server/config.ts';
import type { DeviceKind, TicketIdentity } from '../../contracts/index.ts';

/**
 * Personal data end to end (GB/T 22239-2019 8.1.4.8, 8.1.4.11;
 * docs/personal-data.md), once per cipher: a ticket machine sends an ID
 * number with an X, a name and a phone; the database holds ciphertext only;
 * the device reply, the socket delta, the snapshot, the logs, the inbox, the
 * outbox and the dead letters hold masked forms or the keyed look-up hash
 * only; a user with `pii.view` and the hall in scope sees the full data, and
 * that view is an audit row.
 */
const ID = '11010519491231002X';
const NAME = '张三丰';
const PHONE = '13812345678';
const plainValues = [ID, ID.toLowerCase(), NAME, PHONE];

/** Devices are provisioned through the store (as `devices:add` does): admin sign-in needs a TOTP now. */
async function provision(s: Stack, hallId: string, kind: DeviceKind, deviceId: string) {
  return addDevice(s.app.db, hallId, kind, deviceId);
}

/** Every row of every table as text, plus the dead letters' payloads decoded, minus the ciphertext columns themselves. */
async function databaseText(s: Stack): Promise<string> {
  const tables = await s.app.db.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const out: string[] = [];
  for (const { t } of tables.rows) {
    const rows = await s.app.db.query(`SELECT * FROM "${t}"`);
    for (const r of rows.rows as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(r))
        out.push(Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'object' ? JSON.stringify(v) : String(v), k);
    }
  }
  return out.join('\n');
}

function expectNoPlain(text: string, where: string) {
  for (const p of plainValues) expect(text.includes(p), `${where} contains ${p}`).toBe(false);
}

describe.each(['aes-256-gcm', 'sm4-cbc'] as const)('personal data with PII_CIPHER=%s', (cipher) => {
  let s: Stack, dev: TestDevice, screen: Screen;
  let ticketId: string;
  const prefix = cipher === 'aes-256-gcm' ? 'v1:' : 's1:';

  beforeAll(async () => {
    // trace: the most the server ever logs must still hold no personal data.
    s = await startStack({ PII_CIPHER: cipher, LOG_LEVEL: 'trace' });
    dev = await connectDevice(s.app.mqttUrl, await provision(s, 'h-east', 'ticketer', 'tk-east-pii'));
    screen = await connectScreen(s, await login(s, 'sup-east'));
    await joinHall(screen, 'h-east');
    const reply = await dev.request('ticket.request', {
      itemCode: 'ZH-001',
      identity: { method: 'id-card', idNumber: ID.toLowerCase(), name: NAME, phone: PHONE },
    });
    expect(reply.type).toBe('ticket.issued');
    ticketId = reply.data.ticketId as string;
  });
  afterAll(async () => {
    screen?.close();
    await dev?.close();
    await s?.stop();
  });

  it('the device reply carries masked forms only (lower-case x normalised)', () => {
    const reply = dev.inbox.find((m) => m.msg.data.ticketId === ticketId)!;
    expect(reply.msg.data).toMatchObject({ idNumberMasked: '1101**********002X', nameMasked: '张**' });
    expectNoPlain(JSON.stringify(reply), 'device reply');
  });

  it('the database holds ciphertext under the configured cipher, and the keyed look-up hash', async () => {
    const row = (
      await s.app.db.query('SELECT id_number_enc, name_enc, phone_enc, applicant_key FROM tickets WHERE id = $1', [
        ticketId,
      ])
    ).rows[0];
    for (const c of ['id_number_enc', 'name_enc', 'phone_enc']) expect(row[c].startsWith(prefix), c).toBe(true);
    expect(row.applicant_key).toMatch(cipher === 'sm4-cbc' ? /^sm3:[\w-]{43}$/ : /^[\w-]{43}$/);
    expectNoPlain(JSON.stringify(row), 'ticket row');
    // And nowhere else in the database: inbox replies, outbox events, dead letters, audit, …
    expectNoPlain(await databaseText(s), 'database');
  });

  it('the socket delta carries the look-up hash only', async () => {
    const delta = await until(() =>
      screen.deltas.find((d) => (d.event.data as { ticketId?: string }).ticketId === ticketId),
    );
    const row = (await s.app.db.query('SELECT applicant_key FROM tickets WHERE id = $1', [ticketId])).rows[0];
    expect((delta.event.data as { applicantKey: string }).applicantKey).toBe(row.applicant_key);
    expectNoPlain(JSON.stringify(screen.deltas), 'socket deltas');
  });

  it('the REST snapshot and the socket snapshot carry no personal data', async () => {
    const token = await login(s, 'sup-east');
    const snap = await api(s, 'GET', '/api/halls/h-east/snapshot', undefined, token);
    expect(snap.status).toBe(200);
    expectNoPlain(snap.text, 'REST snapshot');
    expectNoPlain(JSON.stringify(await screen.emitWithAck('hall:resync', { hallId: 'h-east' })), 'socket resync');
  });

  it('a refused request keeps its identity masked in the dead letters', async () => {
    const id = randomUUID();
    const err = await dev.request(
      'ticket.request',
      { itemCode: 'NOPE-1', identity: { method: 'id-card', idNumber: ID, name: NAME, phone: PHONE } },
      id,
    );
    expect(err.data).toMatchObject({ code: 'HALL_ERR_UNKNOWN_ITEM' });
    const bad = await dev.request('ticket.request', {
      itemCode: 'ZH-001',
      identity: { method: 'id-card', idNumber: ID, name: NAME, phone: 'not-a-phone-13812345678' },
    });
    expect(bad.data).toMatchObject({ code: 'HALL_ERR_BAD_DATA' });
    const dl = await until(async () => {
      const r = await s.app.db.query<{ payload: Buffer }>(
        "SELECT payload FROM dead_letters WHERE source = 'mqtt' AND code IN ('HALL_ERR_UNKNOWN_ITEM', 'HALL_ERR_BAD_DATA')",
      );
      return r.rows.length >= 2 ? r.rows : null;
    });
    const text = dl.map((r) => r.payload.toString('utf8')).join('\n');
    expect(text).toContain('1101**********002X');
    expect(text).toContain('"name":"张**"');
    expectNoPlain(text, 'dead letters');
  });

  it('sup-east sees the full data, uncached, and the view is an audit row naming the ticket, not the data', async () => {
    const token = await login(s, 'sup-east');
    const r = await api<TicketIdentity>(s, 'GET', `/api/halls/h-east/tickets/${ticketId}/identity`, undefined, token);
    expect(r.status).toBe(200);
    expect(r.body.identity).toEqual({ idNumber: ID, name: NAME, phone: PHONE });
    expect(r.body).toMatchObject({ ticketId, hallId: 'h-east' });
    const head = await fetch(`${s.base}/api/halls/h-east/tickets/${ticketId}/identity`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(head.headers.get('cache-control')).toBe('no-store');
    await head.body?.cancel();
    const audit = await s.app.db.query(
      "SELECT username, role, target, result, detail FROM audit_log WHERE action = 'pii.view' ORDER BY id",
    );
    expect(audit.rows.length).toBeGreaterThanOrEqual(2);
    expect(audit.rows[0]).toMatchObject({
      username: 'sup-east',
      role: 'supervisor',
      target: `ticket:${ticketId}`,
      result: 'ok',
    });
    expect(audit.rows[0].detail).toMatchObject({ hallId: 'h-east', fields: ['idNumber', 'name', 'phone'] });
    expectNoPlain(JSON.stringify(audit.rows), 'audit rows');
  });

  it('window staff of the hall may see it too (pii.view)', async () => {
    const r = await api<TicketIdentity>(
      s,
      'GET',
      `/api/halls/h-east/tickets/${ticketId}/identity`,
      undefined,
      await login(s, 'staff-east'),
    );
    expect(r.status).toBe(200);
    expect(r.body.identity.idNumber).toBe(ID);
  });

  it('leader (no pii.view) gets 403, sup-city (other hall) gets 404; both are audited denials', async () => {
    const url = `/api/halls/h-east/tickets/${ticketId}/identity`;
    const leader = await api(s, 'GET', url, undefined, await login(s, 'leader'));
    expect(leader).toMatchObject({ status: 403, body: { error: { code: 'HALL_ERR_FORBIDDEN' } } });
    const supCity = await login(s, 'sup-city');
    expect(await api(s, 'GET', url, undefined, supCity)).toMatchObject({
      status: 404,
      body: { error: { code: 'HALL_ERR_NOT_FOUND' } },
    });
    // The ticket under sup-city's own hall: not found there either.
    expect(await api(s, 'GET', `/api/halls/h-city/tickets/${ticketId}/identity`, undefined, supCity)).toMatchObject({
      status: 404,
    });
    expectNoPlain(leader.text, '403 body');
    const denied = await s.app.db.query(
      "SELECT username FROM audit_log WHERE action = 'permission.denied' AND detail->>'permission' = 'pii.view'",
    );
    expect(denied.rows.map((d) => d.username)).toEqual(expect.arrayContaining(['leader', 'sup-city']));
  });

  it('no token 401, bad ticket id 400, unknown ticket 404', async () => {
    const token = await login(s, 'sup-east');
    expect(await api(s, 'GET', `/api/halls/h-east/tickets/${ticketId}/identity`)).toMatchObject({ status: 401 });
    expect(await api(s, 'GET', '/api/halls/h-east/tickets/not-a-uuid/identity', undefined, token)).toMatchObject({
      status: 400,
      body: { error: { code: 'HALL_ERR_BAD_REQUEST' } },
    });
    expect(await api(s, 'GET', `/api/halls/h-east/tickets/${randomUUID()}/identity`, undefined, token)).toMatchObject({
      status: 404,
      body: { error: { code: 'HALL_ERR_NOT_FOUND' } },
    });
  });

  it('the server log output holds no full ID number, phone or name', () => {
    const logs = s.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('device message refused'); // the refusals above were logged…
    expectNoPlain(logs, 'logs'); // …without the data
  });
});

describe('personal data across a cipher switch and key rotations', () => {
  let s: Stack, dev: TestDevice;
  const issue = async (idNumber: string) => {
    const r = await dev.request('ticket.request', {
      itemCode: 'ZH-002',
      identity: { method: 'id-card', idNumber, name: NAME, phone: PHONE },
    });
    expect(r.type).toBe('ticket.issued');
    return r.data.ticketId as string;
  };
  const reconnect = async () => {
    await dev?.close();
    dev = await connectDevice(s.app.mqttUrl, creds);
  };
  let creds: Awaited<ReturnType<typeof provision>>;
  const identity = async (ticketId: string) => {
    const r = await api<TicketIdentity>(
      s,
      'GET',
      `/api/halls/h-east/tickets/${ticketId}/identity`,
      undefined,
      await login(s, 'sup-east'),
    );
    expect(r.status).toBe(200);
    return r.body.identity;
  };
  const stored = async (ticketId: string) =>
    (await s.app.db.query('SELECT id_number_enc, applicant_key FROM tickets WHERE id = $1', [ticketId])).rows[0] as {
      id_number_enc: string;
      applicant_key: string;
    };
  const cli = (name: string, ...args: string[]) => KEY_COMMANDS[name]!.run(s.app.db, args, loadConfig(s.env));

  beforeAll(async () => {
    s = await startStack();
    creds = await provision(s, 'h-east', 'ticketer', 'tk-east-switch');
    dev = await connectDevice(s.app.mqttUrl, creds);
  });
  afterAll(async () => {
    await dev?.close();
    await s?.stop();
  });

  it('AES rows stay readable under SM4, rotated keys keep every version, and keys:reencrypt unifies rows and look-up keys', async () => {
    const t1 = await issue(ID);
    expect((await stored(t1)).id_number_enc.startsWith('v1:')).toBe(true);

    s.env.PII_CIPHER = 'sm4-cbc';
    await dev.close();
    await s.restart();
    await reconnect();
    const t2 = await issue(ID);
    expect((await stored(t2)).id_number_enc.startsWith('s1:')).toBe(true);
    expect(await identity(t1)).toEqual({ idNumber: ID, name: NAME, phone: PHONE });

    expect(await cli('keys:rotate')).toMatchObject({ cipher: 'sm4-cbc', version: 2 });
    expect(await cli('keys:rotate', '--cipher', 'aes-256-gcm')).toMatchObject({ cipher: 'aes-256-gcm', version: 2 });
    await dev.close();
    await s.restart();
    await reconnect();
    const t3 = await issue(ID);
    expect((await stored(t3)).id_number_enc.startsWith('s2:')).toBe(true);
    for (const t of [t1, t2, t3]) expect((await identity(t)).idNumber).toBe(ID);
    // Look-up keys differ across the switch (HMAC-SHA256 vs HMAC-SM3) until the rows are re-encrypted.
    expect((await stored(t1)).applicant_key).not.toBe((await stored(t3)).applicant_key);
    expect((await stored(t2)).applicant_key).toBe((await stored(t3)).applicant_key);

    const out = (await cli('keys:reencrypt', '--batch', '1')) as {
      rewritten: number;
      failed: number;
      cipher: string;
      version: number;
    };
    expect(out).toMatchObject({ cipher: 'sm4-cbc', version: 2, failed: 0 });
    expect(out.rewritten).toBeGreaterThanOrEqual(2);
    for (const t of [t1, t2, t3]) {
      expect((await stored(t)).id_number_enc.startsWith('s2:')).toBe(true);
      expect((await stored(t)).applicant_key).toBe((await stored(t3)).applicant_key);
      expect(await identity(t)).toEqual({ idNumber: ID, name: NAME, phone: PHONE });
    }
    const audit = await s.app.db.query(
      "SELECT action FROM audit_log WHERE action IN ('keys.rotate', 'keys.reencrypt')",
    );
    expect(audit.rows.map((r) => r.action).sort()).toEqual(['keys.reencrypt', 'keys.rotate', 'keys.rotate']);

    // And back to AES: everything written so far stays readable, new rows are v2.
    s.env.PII_CIPHER = 'aes-256-gcm';
    await dev.close();
    await s.restart();
    await reconnect();
    const t4 = await issue(ID);
    expect((await stored(t4)).id_number_enc.startsWith('v2:')).toBe(true);
    for (const t of [t1, t2, t3, t4]) expect((await identity(t)).idNumber).toBe(ID);
  });
});
