import { describe, expect, it } from 'vitest';
import { SessionRegistry, type SessionClient } from './sessions.ts';
import type { Principal } from './acl.ts';

const d1: Principal = { type: 'device', device: { deviceId: 'd1', hallId: 'h1', kind: 'ticketer' } };
const client = (id: string, over: Partial<SessionClient> = {}) => ({ id, closed: false, connected: true, ...over });

describe('SessionRegistry', () => {
  it('tracks the clients of a device and forgets them', () => {
    const r = new SessionRegistry<SessionClient>();
    const a = client('d1');
    r.add(a, { principal: d1, username: 'd1' });
    expect(r.isMember(a)).toBe(true);
    expect(r.connectedDevices()).toBe(1);
    expect(r.clientsOf('d1')).toEqual([a]);
    r.forget(a);
    r.forget(a);
    expect(r.isMember(a)).toBe(false);
    expect(r.get(a)?.principal).toBe(d1);
    expect(r.connectedDevices()).toBe(0);
    expect(r.clientsOf('d1')).toEqual([]);
  });

  it('sees a takeover: another live client supersedes, a closing one does not', () => {
    const r = new SessionRegistry<SessionClient>();
    const old = client('d1');
    r.add(old, { principal: d1, username: 'd1' });
    expect(r.hasOtherLive('d1', old)).toBe(false);
    const fresh = client('d1', { connected: false });
    r.add(fresh, { principal: d1, username: 'd1' });
    expect(r.hasOtherLive('d1', old)).toBe(true);
    expect(r.hasOtherLive('d1', fresh)).toBe(true);
    const closing = { ...client('d1'), closed: true };
    const r2 = new SessionRegistry<SessionClient>();
    r2.add(closing, { principal: d1, username: 'd1' });
    r2.add(fresh, { principal: d1, username: 'd1' });
    expect(r2.hasOtherLive('d1', fresh)).toBe(false);
    expect(r2.clientsOf('d1')).toEqual([fresh]);
  });

  it('counts each device once and ignores server clients', () => {
    const r = new SessionRegistry<SessionClient>();
    r.add(client('d1'), { principal: d1, username: 'd1' });
    r.add(client('d1'), { principal: d1, username: 'd1' });
    r.add(client('ingest'), { principal: { type: 'server' }, username: 'ingest' });
    expect(r.connectedDevices()).toBe(1);
  });
});
