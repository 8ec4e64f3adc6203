import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe, isOwnStateTopic, isValidFilter, type Principal } from './acl.ts';
import type { DeviceKind } from '../contracts/ids.ts';

const server: Principal = { type: 'server' };
const device = (hallId: string, kind: DeviceKind, deviceId: string): Principal => ({
  type: 'device',
  device: { hallId, kind, deviceId },
});
const t1 = device('h1', 'ticketer', 'd1');
const led = device('h1', 'display', 'led1');

describe('canPublish', () => {
  it.each([
    [t1, 'halls/h1/ticketer/d1/up/ticket.request'],
    [t1, 'halls/h1/ticketer/d1/up/device.status'],
    [t1, 'halls/h1/ticketer/d1/state'],
    [led, 'halls/h1/display/led1/up/display.ack'],
    [led, 'halls/h1/display/led1/state'],
    [server, 'halls/h1/ticketer/d1/down/ticket.issued'],
    [server, 'halls/h1/display/s1'],
    [server, 'halls/h1/ticketer/d1/state'],
    [server, 'anything/else'],
  ])('allows %o on %s', (p, topic) => {
    expect(canPublish(p, topic)).toBe(true);
  });

  it.each([
    // another device, hall or kind
    [t1, 'halls/h1/ticketer/d2/up/ticket.request'],
    [t1, 'halls/h2/ticketer/d1/up/ticket.request'],
    [t1, 'halls/h1/caller/d1/up/call.next'],
    [t1, 'halls/h1/ticketer/d2/state'],
    // own prefix but not up/ or state
    [t1, 'halls/h1/ticketer/d1/down/ticket.issued'],
    [t1, 'halls/h1/ticketer/d1/down/error'],
    [t1, 'halls/h1/ticketer/d1'],
    [t1, 'halls/h1/ticketer/d1/'],
    [t1, 'halls/h1/ticketer/d1/up'],
    [t1, 'halls/h1/ticketer/d1/up/'],
    [t1, 'halls/h1/ticketer/d1/up/No.Caps'],
    [t1, 'halls/h1/ticketer/d1/up/ticket.request/extra'],
    [t1, 'halls/h1/ticketer/d1/state/extra'],
    [t1, 'halls/h1/ticketer/d1/other'],
    [t1, 'halls/h1//d1/state'],
    [t1, '/halls/h1/ticketer/d1/state'],
    // displays belong to the server
    [t1, 'halls/h1/display/s1'],
    [led, 'halls/h1/display/led1'],
    // wildcards, reserved and empty topics
    [t1, 'halls/h1/ticketer/d1/up/#'],
    [t1, 'halls/h1/ticketer/d1/up/+'],
    [t1, 'halls/h1/ticketer/+/state'],
    [t1, '$SYS/broker/x'],
    [t1, ''],
    [server, '$SYS/x/heartbeat'],
    [server, '$SYS'],
    [server, '$share/g/halls/h1/display/s1'],
    [server, 'halls/+/display/s1'],
    [server, 'halls/#'],
    [server, ''],
    [server, 'a\u0000b'],
  ])('denies %o on %s', (p, topic) => {
    expect(canPublish(p, topic)).toBe(false);
  });

  it('denies a device whose own ids could not be topic levels', () => {
    expect(canPublish(device('h1', 'ticketer', '+'), 'halls/h1/ticketer/+/state')).toBe(false);
    expect(canPublish(device('h/1', 'ticketer', 'd1'), 'halls/h/1/ticketer/d1/state')).toBe(false);
    expect(canPublish(device('h1', 'toaster' as DeviceKind, 'd1'), 'halls/h1/toaster/d1/state')).toBe(false);
  });

  it('denies an unknown principal type', () => {
    expect(canPublish({ type: 'admin' } as unknown as Principal, 'halls/h1/display/s1')).toBe(false);
  });
});

describe('canSubscribe', () => {
  it.each([
    [t1, 'halls/h1/ticketer/d1/down/#'],
    [t1, 'halls/h1/ticketer/d1/down/ticket.issued'],
    [t1, 'halls/h1/ticketer/d1/down/error'],
    [t1, 'halls/h1/display/+'],
    [t1, 'halls/h1/display/s1'],
    [led, 'halls/h1/display/+'],
    [led, 'halls/h1/display/led1/down/#'],
    [server, 'halls/+/+/+/up/#'],
    [server, 'halls/+/+/+/state'],
    [server, 'halls/h1/#'],
    [server, '#'],
    [server, '+/+'],
    [server, 'halls/h1/ticketer/d1/down/error'],
    [server, '$share/ingest/halls/+/+/+/up/#'],
    [server, '$queue/halls/+/+/+/up/#'],
  ])('allows %o on %s', (p, filter) => {
    expect(canSubscribe(p, filter)).toBe(true);
  });

  it.each([
    // wildcards beyond the allowed ones
    [t1, '#'],
    [t1, '+/+'],
    [t1, 'halls/#'],
    [t1, 'halls/h1/#'],
    [t1, 'halls/+/ticketer/d1/down/#'],
    [t1, 'halls/h1/+/d1/down/#'],
    [t1, 'halls/h1/ticketer/+/down/#'],
    [t1, 'halls/h1/ticketer/d1/+/#'],
    [t1, 'halls/h1/ticketer/d1/down/+'],
    [t1, 'halls/h1/ticketer/d1/#'],
    [t1, 'halls/h1/ticketer/d1/down/#/x'],
    [t1, 'halls/h1/ticketer/d1/down/ticket.issued/#'],
    [t1, 'halls/h1/display/#'],
    [t1, 'halls/h1/display/+/x'],
    [t1, 'halls/h1/display/s#'],
    [t1, 'halls/h1/display/s+'],
    [t1, 'halls/+/display/+'],
    // other devices and halls
    [t1, 'halls/h1/ticketer/d2/down/#'],
    [t1, 'halls/h2/ticketer/d1/down/#'],
    [t1, 'halls/h2/display/+'],
    [t1, 'halls/h2/display/s1'],
    [t1, 'halls/h1/caller/d1/down/#'],
    // own topics that are not replies
    [t1, 'halls/h1/ticketer/d1/up/#'],
    [t1, 'halls/h1/ticketer/d1/up/ticket.request'],
    [t1, 'halls/h1/ticketer/d1/state'],
    [t1, 'halls/+/+/+/state'],
    // empty levels and malformed
    [t1, ''],
    [t1, 'halls/h1/ticketer/d1/down/'],
    [t1, 'halls/h1/ticketer/d1/down//'],
    [t1, 'halls//ticketer/d1/down/#'],
    [t1, '/halls/h1/ticketer/d1/down/#'],
    [t1, 'halls/h1/display/'],
    [t1, 'halls/h1/ticketer/d1/down/Bad.Type'],
    // reserved
    [t1, '$SYS/#'],
    [t1, '$share/g/halls/h1/ticketer/d1/down/#'],
    [t1, '$queue/halls/h1/ticketer/d1/down/#'],
    [server, '$SYS/#'],
    [server, '$SYS'],
    [server, '$SYS/+/heartbeat'],
    [server, '$share/g/$SYS/#'],
    [server, '$queue/$SYS/#'],
    [server, '$other/x'],
    // malformed filters
    [server, ''],
    [server, 'halls/#/x'],
    [server, 'halls/h1#'],
    [server, 'halls/+x/y'],
    [server, '$share/g/'],
    [server, '$share//halls/#'],
    [server, 'a\u0000b'],
  ])('denies %o on %s', (p, filter) => {
    expect(canSubscribe(p, filter)).toBe(false);
  });

  it('denies a device whose own ids contain wildcards', () => {
    expect(canSubscribe(device('+', 'ticketer', 'd1'), 'halls/+/ticketer/d1/down/#')).toBe(false);
    expect(canSubscribe(device('h1', 'ticketer', '#'), 'halls/h1/ticketer/#/down/#')).toBe(false);
  });
});

describe('isOwnStateTopic', () => {
  it('matches only the exact own state topic', () => {
    expect(isOwnStateTopic(t1, 'halls/h1/ticketer/d1/state')).toBe(true);
    expect(isOwnStateTopic(t1, 'halls/h1/ticketer/d2/state')).toBe(false);
    expect(isOwnStateTopic(t1, 'halls/h1/ticketer/d1/up/device.status')).toBe(false);
    expect(isOwnStateTopic(server, 'halls/h1/ticketer/d1/state')).toBe(false);
  });
});

describe('isValidFilter', () => {
  it.each([
    ['#', true],
    ['+', true],
    ['a/+/b/#', true],
    ['/', true],
    ['a/#/b', false],
    ['a+', false],
    ['', false],
  ])('%s → %s', (f, ok) => {
    expect(isValidFilter(f)).toBe(ok);
  });
});
