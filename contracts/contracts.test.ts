import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseTopic,
  topics,
  envelopeSchema,
  upMessages,
  downMessages,
  domainEventSchema,
  hallDeltaSchema,
  hallSnapshotSchema,
  loginBodySchema,
  deviceAddBodySchema,
  userAddBodySchema,
  brokerAclBodySchema,
  ticketRequestSchema,
  ratingSubmitSchema,
  simFileSchema,
  errorBodySchema,
  errorBody,
  ERROR_CODES,
  idSchema,
  regionCodeSchema,
  deviceKinds,
  callerSigninSchema,
  callPickSchema,
  callTransferSchema,
  callCompleteSchema,
  callReactivateSchema,
  callTicketSchema,
  callResultSchema,
} from './index.ts';

const dev = { hallId: 'h-1', kind: 'ticketer' as const, deviceId: 'tk-1' };

describe('MQTT topic scheme (DESIGN.md)', () => {
  it('builds and parses every topic form', () => {
    expect(topics.up(dev, 'ticket.request')).toBe('halls/h-1/ticketer/tk-1/up/ticket.request');
    expect(parseTopic(topics.up(dev, 'ticket.request'))).toEqual({ dir: 'up', type: 'ticket.request', ...dev });
    expect(parseTopic(topics.down(dev, 'error'))).toEqual({ dir: 'down', type: 'error', ...dev });
    expect(parseTopic(topics.state(dev))).toEqual({ dir: 'state', ...dev });
    expect(parseTopic(topics.display('h-1', 'led-1'))).toEqual({ dir: 'display', hallId: 'h-1', screenId: 'led-1' });
  });
  it.each([
    'halls/h-1/ticketer/tk-1/up',
    'halls/h-1/toaster/tk-1/up/x.y',
    'halls/h+1/ticketer/tk-1/up/a.b',
    'rooms/h-1/ticketer/tk-1/state',
    'halls/h-1/ticketer/tk-1/up/Bad.Type',
    'halls/h-1/ticketer/tk-1/up/a.b/c',
    'halls//ticketer/tk-1/state',
    'halls/h-1/ticketer/$SYS/state',
    '',
  ])('rejects %s', (t) => expect(parseTopic(t)).toBeNull());
  it('round-trips any valid address', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/);
    fc.assert(
      fc.property(id, fc.constantFrom(...deviceKinds), id, (hallId, kind, deviceId) => {
        const a = { hallId, kind, deviceId };
        expect(parseTopic(topics.state(a))).toEqual({ dir: 'state', ...a });
      }),
    );
  });
});

describe('envelope', () => {
  it('accepts the documented shape, with or without re', () => {
    expect(
      envelopeSchema.safeParse({ v: 1, id: 'm1', ts: 1700000000000, type: 'ticket.request', data: { itemCode: 'A' } })
        .success,
    ).toBe(true);
    expect(
      envelopeSchema.safeParse({ v: 1, id: 'r1', ts: '2026-11-22T00:00:00Z', type: 'error', re: 'm1', data: {} })
        .success,
    ).toBe(true);
  });
  it.each([
    [{ v: 2, id: 'm', ts: 1, type: 'a.b', data: {} }],
    [{ v: 1, ts: 1, type: 'a.b', data: {} }],
    [{ v: 1, id: '', ts: 1, type: 'a.b', data: {} }],
    [{ v: 1, id: 'x'.repeat(65), ts: 1, type: 'a.b', data: {} }],
    [{ v: 1, id: 'm', ts: -1, type: 'a.b', data: {} }],
    [{ v: 1, id: 'm', ts: 1, type: 'a.b', data: {}, extra: 1 }],
  ])('rejects %j', (e) => expect(envelopeSchema.safeParse(e).success).toBe(false));
});

describe('device payloads', () => {
  it('ticket request: items, identity with 15/18-digit IDs and X, appointment code', () => {
    expect(ticketRequestSchema.safeParse({ itemCode: 'GA-001' }).success).toBe(true);
    expect(
      ticketRequestSchema.safeParse({
        itemCode: 'GA-001',
        identity: { method: 'id-card', idNumber: '11010519491231002X', name: '张三' },
      }).success,
    ).toBe(true);
    expect(
      ticketRequestSchema.safeParse({
        itemCode: 'GA-001',
        identity: { method: 'id-card', idNumber: '110105491231002' },
      }).success,
    ).toBe(true);
    expect(
      ticketRequestSchema.safeParse({ itemCode: 'GA-001', identity: { method: 'id-card', idNumber: '1101054912' } })
        .success,
    ).toBe(false);
    expect(ticketRequestSchema.safeParse({ itemCode: 'GA 001' }).success).toBe(false);
    expect(ticketRequestSchema.safeParse({ itemCode: 'GA-001', evil: true }).success).toBe(false);
  });
  it('ratings: five levels, bad reviews (1–2) need a tag (001 测评内容)', () => {
    expect(ratingSubmitSchema.safeParse({ windowId: 'w1', level: 5 }).success).toBe(true);
    expect(ratingSubmitSchema.safeParse({ windowId: 'w1', level: 2 }).success).toBe(false);
    expect(ratingSubmitSchema.safeParse({ windowId: 'w1', level: 1, tags: ['115'] }).success).toBe(true);
    expect(ratingSubmitSchema.safeParse({ windowId: 'w1', level: 6 }).success).toBe(false);
  });
  it('every device kind has its up messages, each with a sample that parses', () => {
    const samples: Record<string, unknown> = {
      'ticket.request': { itemCode: 'A1' },
      'device.status': { paper: 'out' },
      'caller.signin': { windowId: 'w1', account: 'a', pin: '480613' },
      'caller.signout': { windowId: 'w1' },
      'call.next': { windowId: 'w1' },
      'call.recall': { windowId: 'w1', ticketNo: 'A001' },
      'call.pick': { windowId: 'w1', ticketNo: 'A001', reason: 'elderly' },
      'call.skip': { windowId: 'w1', ticketNo: 'A001' },
      'call.transfer': { windowId: 'w1', ticketNo: 'A001', toQueueId: 'q2' },
      'call.pause': { windowId: 'w1' },
      'call.resume': { windowId: 'w1' },
      'call.start': { windowId: 'w1', ticketNo: 'A001' },
      'call.complete': { windowId: 'w1', ticketNo: 'A001', outcome: 'done' },
      'call.open': { windowId: 'w1' },
      'call.close': { windowId: 'w1' },
      'call.reactivate': { windowId: 'w1', ticketNo: 'A001' },
      'rating.submit': { windowId: 'w1', level: 4 },
      'camera.count': { zones: [{ zone: 'waiting', people: 12 }] },
      'camera.alarm': { alarm: 'crowding' },
      'display.ack': { text: '请A001号到5号窗口办理' },
    };
    for (const kind of deviceKinds) {
      const msgs = upMessages[kind] as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      expect(Object.keys(msgs).length).toBeGreaterThan(0);
      for (const [type, schema] of Object.entries(msgs))
        expect(schema.safeParse(samples[type]).success, `${kind}/${type}`).toBe(true);
    }
    expect(
      downMessages['display.show'].safeParse({ text: '请A001号到5号窗口办理', voice: '请A001号到5号窗口办理' }).success,
    ).toBe(true);
  });
});

describe('window caller (呼叫器, issue 4)', () => {
  it('signs in by account + six-digit PIN or by the console token, never both, always with a window', () => {
    expect(callerSigninSchema.safeParse({ windowId: 'w1', account: 'staff-east', pin: '480613' }).success).toBe(true);
    expect(callerSigninSchema.safeParse({ windowId: 'w1', token: 'x'.repeat(32) }).success).toBe(true);
    expect(callerSigninSchema.safeParse({ windowId: 'w1', account: 'staff-east', pin: '4806' }).success).toBe(false);
    expect(
      callerSigninSchema.safeParse({ windowId: 'w1', account: 'staff-east', pin: '480613', token: 'x'.repeat(32) })
        .success,
    ).toBe(false);
    expect(callerSigninSchema.safeParse({ account: 'staff-east', pin: '480613' }).success).toBe(false);
    expect(callerSigninSchema.safeParse({ windowId: 'w/1', token: 'x'.repeat(32) }).success).toBe(false);
  });
  it('every call.* names its window; ticket numbers optional where the op acts on the current ticket', () => {
    for (const type of Object.keys(upMessages.caller)) {
      expect(
        (upMessages.caller as Record<string, { safeParse(v: unknown): { success: boolean } }>)[type]!.safeParse({
          ticketNo: 'A001',
        }).success,
        type,
      ).toBe(false);
    }
    expect(callTicketSchema.safeParse({ windowId: 'w1' }).success).toBe(true);
    expect(callPickSchema.safeParse({ windowId: 'w1' }).success).toBe(false);
    expect(callPickSchema.safeParse({ windowId: 'w1', ticketNo: 'A003', reason: '老人优先' }).success).toBe(true);
    expect(callPickSchema.safeParse({ windowId: 'w1', ticketNo: 'A003', reason: '' }).success).toBe(false);
    expect(callReactivateSchema.safeParse({ windowId: 'w1' }).success).toBe(false);
    expect(callTicketSchema.safeParse({ windowId: 'w1', ticketNo: 'A0011111111111111' }).success).toBe(false);
  });
  it('transfer needs a queue or a window; complete defaults to done', () => {
    expect(callTransferSchema.safeParse({ windowId: 'w1' }).success).toBe(false);
    expect(callTransferSchema.safeParse({ windowId: 'w1', toWindowId: 'w2' }).success).toBe(true);
    expect(callTransferSchema.safeParse({ windowId: 'w1', toQueueId: 'q/2' }).success).toBe(false);
    expect(callCompleteSchema.parse({ windowId: 'w1' })).toEqual({ windowId: 'w1', outcome: 'done' });
    expect(callCompleteSchema.safeParse({ windowId: 'w1', outcome: 'lost' }).success).toBe(false);
  });
  it('replies: caller.signedin, caller.signedout, call.result', () => {
    expect(
      downMessages['caller.signedin'].safeParse({
        windowId: 'w1',
        windowNo: '1',
        username: 'staff-east',
        expiresAt: '2026-11-22T12:00:00.000Z',
      }).success,
    ).toBe(true);
    expect(downMessages['caller.signedout'].safeParse({ windowId: 'w1' }).success).toBe(true);
    const result = {
      seq: 12,
      events: ['ticket.called'],
      window: { id: 'w1', no: '1', status: 'open', served: 3 },
      current: { ticketId: 't', ticketNo: 'A001', status: 'called', queueId: 'q', class: 'walk-in' },
    };
    expect(callResultSchema.safeParse(result).success).toBe(true);
    expect(callResultSchema.safeParse({ ...result, current: null, events: [] }).success).toBe(true);
    expect(callResultSchema.safeParse({ ...result, window: undefined }).success).toBe(false);
  });
  it('the sim file lists callers with their window and sign-in; older files without callers still parse', () => {
    expect(simFileSchema.parse({ devices: [], items: {} }).callers).toEqual([]);
    expect(
      simFileSchema.safeParse({
        devices: [],
        items: {},
        callers: [{ deviceId: 'c1', windowId: 'w1', account: 'a', pin: '480613' }],
      }).success,
    ).toBe(true);
    expect(simFileSchema.safeParse({ devices: [], items: {}, callers: [{ deviceId: 'c1' }] }).success).toBe(false);
  });
});

describe('events and socket messages', () => {
  const ev = {
    hallId: 'h-1',
    seq: 7,
    at: '2026-11-22T01:00:00.000Z',
    type: 'ticket.issued',
    data: {
      ticketId: 't',
      ticketNo: 'A001',
      queueId: 'q',
      itemCode: 'A1',
      deviceId: 'tk-1',
      waiting: 1,
      issuedToday: 1,
      applicantKey: null,
    },
  };
  it('domain events are a discriminated union with (hallId, seq)', () => {
    expect(domainEventSchema.safeParse(ev).success).toBe(true);
    expect(domainEventSchema.safeParse({ ...ev, seq: 0 }).success).toBe(false);
    expect(domainEventSchema.safeParse({ ...ev, type: 'ticket.eaten' }).success).toBe(false);
    expect(
      domainEventSchema.safeParse({
        hallId: 'h',
        seq: 1,
        at: ev.at,
        type: 'device.offline',
        data: { deviceId: 'd', kind: 'camera' },
      }).success,
    ).toBe(true);
  });
  it('deltas carry seq; snapshots carry seq', () => {
    expect(hallDeltaSchema.safeParse({ hallId: 'h-1', seq: 7, event: ev }).success).toBe(true);
    expect(
      hallSnapshotSchema.safeParse({
        hallId: 'h-1',
        name: 'x',
        regionCode: '440900',
        seq: 0,
        queues: [],
        windows: [],
        devices: [],
        recentTickets: [],
        recentCalls: [],
        pressure: { waiting: 0, openWindows: 0, clearMin: null, level: 'clear' },
        at: ev.at, // the wall's fields
      }).success,
    ).toBe(true);
    expect(
      hallSnapshotSchema.safeParse({
        hallId: 'h-1',
        name: 'x',
        regionCode: '440900',
        queues: [],
        windows: [],
        devices: [],
        recentTickets: [],
        at: ev.at,
      }).success,
    ).toBe(false);
  });
});

describe('REST bodies', () => {
  it('login, device and user provisioning, broker hooks', () => {
    expect(loginBodySchema.safeParse({ username: 'leader', password: 'x' }).success).toBe(true);
    expect(loginBodySchema.safeParse({ username: 'a b', password: 'x' }).success).toBe(false);
    expect(deviceAddBodySchema.safeParse({ hallId: 'h-1', kind: 'rater' }).success).toBe(true);
    expect(deviceAddBodySchema.safeParse({ hallId: 'h/1', kind: 'rater' }).success).toBe(false);
    expect(userAddBodySchema.safeParse({ role: 'leader', regionCode: '440902' }).success).toBe(true);
    expect(userAddBodySchema.safeParse({ role: 'supervisor' }).success).toBe(false);
    expect(userAddBodySchema.safeParse({ role: 'king' }).success).toBe(false);
    expect(brokerAclBodySchema.safeParse({ username: 'd', topic: 't', acc: 2 }).success).toBe(true);
    expect(simFileSchema.safeParse({ devices: [], items: { 'h-1': ['A1'] } }).success).toBe(true);
  });
  it('ids and region codes keep topic-unsafe characters out', () => {
    for (const bad of ['a/b', 'a+b', '#', '$SYS', '', 'x'.repeat(65)])
      expect(idSchema.safeParse(bad).success).toBe(false);
    for (const good of ['440900', '440902001', '440902001001'])
      expect(regionCodeSchema.safeParse(good).success).toBe(true);
    expect(regionCodeSchema.safeParse('4409').success).toBe(false);
  });
  it('every error code has a message and a valid body', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[])
      expect(errorBodySchema.safeParse(errorBody(code)).success).toBe(true);
  });
});
