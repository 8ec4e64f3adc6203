import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStack, connectDevice, login, api, type Stack } from '../helpers/stack.ts';
import type { DeviceCredentials, HallSummary } from '../../contracts/index.ts';

const run = promisify(execFile);

/** The CLI works beside a running server with the same configuration, embedded database included. */
describe('provisioning CLI beside a running server', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.stop();
  });
  const cli = async (...args: string[]) => {
    const r = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      env: { ...process.env, DATA_DIR: s.dataDir },
      timeout: 60_000,
    });
    return JSON.parse(r.stdout) as unknown;
  };

  it('devices:add prints credentials that the running broker accepts', async () => {
    const creds = (await cli('devices:add', '--hall', 'h-city', '--kind', 'ticketer')) as DeviceCredentials;
    expect(creds).toMatchObject({
      hallId: 'h-city',
      kind: 'ticketer',
      topicPrefix: `halls/h-city/ticketer/${creds.deviceId}`,
    });
    expect(creds.username).toBe(creds.deviceId);
    const dev = await connectDevice(s.app.mqttUrl, creds);
    expect((await dev.request('ticket.request', { itemCode: 'SC-001' })).data.ticketNo).toBe('E001');
    await dev.close();
  });

  it('halls:list prints halls with their item codes', async () => {
    const halls = (await cli('halls:list')) as HallSummary[];
    expect(halls.map((h) => h.id)).toContain('h-donghu-v');
    expect(halls.find((h) => h.id === 'h-donghu')!.items.map((i) => i.code)).toEqual(['ZH-001', 'ZH-002', 'ZH-003']);
  });

  it('users:add prints a login that works on the server', async () => {
    const u = (await cli('users:add', '--role', 'leader', '--region', '440904')) as {
      username: string;
      password: string;
    };
    const token = await login(s, u.username, u.password);
    const halls = await api<{ halls: HallSummary[] }>(s, 'GET', '/api/halls', undefined, token);
    expect(halls.body.halls.map((h) => h.id)).toEqual(['h-west']);
  });

  // DOMAIN.md "Security and operations": operation logs say who, which function, IP and time, whatever the channel.
  it('users:add is the same audited command as POST /api/users, under the operating-system account', async () => {
    const u = (await cli('users:add', '--role', 'supervisor', '--hall', 'h-east')) as {
      username: string;
      password: string;
    };
    const row = (
      await s.app.db.query(
        "SELECT username, role, target, detail FROM audit_log WHERE action = 'user.add' ORDER BY id DESC LIMIT 1",
      )
    ).rows[0];
    expect(row).toMatchObject({
      role: 'operator',
      target: `user:${u.username}`,
      detail: { role: 'supervisor', hallId: 'h-east', via: 'cli' },
    });
    expect(row.username).toMatch(/^os:/);
  });

  it('bad arguments give a coded error and exit 1', async () => {
    await expect(
      run(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', 'devices:add', '--hall', 'h-city', '--kind', 'toaster'],
        { env: { ...process.env, DATA_DIR: s.dataDir } },
      ),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('HALL_ERR_BAD_REQUEST') });
  });
});
