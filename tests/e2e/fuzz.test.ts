import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { io as ioClient } from 'socket.io-client';
import {
  startStack,
  connectDevice,
  connectScreen,
  login,
  until,
  api,
  type Stack,
  type TestDevice,
  type Screen,
} from '../helpers/stack.ts';
import { addDevice } from '../../server/store/devices-repo.ts';
import { errorBodySchema, topics, type DeviceCredentials } from '../../contracts/index.ts';
import type { EndpointRule } from '../../server/http/endpoint-table.ts';

/**
 * Fuzzing the three boundaries of the real stack with fast-check (GB/T 22239-2019 8.1.4.4 input validation):
 * random and hostile REST requests against every `/api/*` route, random
 * Socket.IO events and payloads, random MQTT payloads and topics from a
 * provisioned ticket machine. The answers are coded refusals (HTTP 4xx with
 * `{error:{code:'HALL_ERR_…'}}`, error acks, `down/error`) or nothing, never a
 * 5xx; the process, the socket and the broker keep serving; and nothing
 * changes (row counts of the state tables are the same before and after;
 * dead_letters and audit_log are meant to grow).
 *
 * Bounded: 25–250 runs per property, well under a minute in all (FUZZ_SCALE multiplies).
 * A failure prints fast-check's seed and path; replay with `{ seed, path }`.
 */

/** `FUZZ_SCALE=10 npx vitest run --project e2e tests/e2e/fuzz.test.ts` for a longer hunt (the default run stays under a minute; timeouts scale too). */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1) || 1);
const RUNS = Object.fromEntries(
  Object.entries({
    rest: 250,
    restWithToken: 150,
    socket: 150,
    socketRaw: 60,
    socketAuth: 30,
    mqtt: 150,
    mqttForeign: 25,
  }).map(([k, n]) => [k, n * SCALE]),
) as Record<'rest' | 'restWithToken' | 'socket' | 'socketRaw' | 'socketAuth' | 'mqtt' | 'mqttForeign', number>;
const RESERVED_SOCKET_EVENTS = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);
/**
 * Endpoints that need no body and legitimately act for any signed-in caller:
 * fuzzed without a valid token only (with one they would change state or end
 * the session the fuzzer uses: logout, TOTP setup, caller tokens).
 */
const ACTS_WITHOUT_BODY = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/totp/setup',
  'POST /api/auth/caller-token',
]);

interface Counts {
  [table: string]: number;
}

/** Row counts of the state tables. Presence events (the fuzzer reconnects its device) are not a change the fuzz made. */
async function stateCounts(s: Stack): Promise<Counts> {
  const tables = [
    'tickets',
    'users',
    'devices',
    'halls',
    'sessions',
    'inbox',
    'queue_counters',
    'regions',
    'queues',
    'items',
    'windows',
    'caller_tokens',
  ];
  const out: Counts = {};
  for (const t of tables) {
    const exists = (await s.app.db.query('SELECT to_regclass($1) AS r', [`public.${t}`])).rows[0].r;
    if (exists) out[t] = (await s.app.db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  }
  out.outbox = (
    await s.app.db.query("SELECT count(*)::int AS n FROM outbox WHERE type NOT IN ('device.online', 'device.offline')")
  ).rows[0].n;
  out.activeSessions = (
    await s.app.db.query('SELECT count(*)::int AS n FROM sessions WHERE revoked_at IS NULL')
  ).rows[0].n;
  return out;
}

function expectCoded(res: { status: number; text: string }, ctx: string) {
  expect(res.status, `${ctx} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      body = res.text;
    }
    expect(
      errorBodySchema.safeParse(body).success,
      `${ctx} → ${res.status} uncoded body ${res.text.slice(0, 300)}`,
    ).toBe(true);
  }
}

// ── Arbitraries ──
const hostileText = fc.constantFrom(
  'h-east',
  'h-city',
  'h-west',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '0',
  '-1',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  "' OR 1=1 --",
  '"; DROP TABLE tickets; --',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  'a'.repeat(300),
  'é',
  '😀',
  ' ',
  '\t',
  '11010519491231002X',
  randomUUID(),
  '1e309',
  '-0',
  '0x10',
  '[]',
  '{}',
  'ticket.request',
  'HALL_ERR_INTERNAL',
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  hostileText,
  fc.uuid(),
);
/** A path segment: mostly encoded text, sometimes raw percent-garbage the router must decode. */
const segment = fc.oneof(
  { arbitrary: text.map(encodeURIComponent), weight: 5 },
  {
    arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%2F', '%2e%2e', '%u0041', '%C0%AF', '%FF', '%E4%B8', '..', '.', ''),
    weight: 1,
  },
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(text, fc.oneof(text, fc.integer().map(String), fc.double().map(String))), { maxLength: 5 })
    .map((kv) => kv.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.constantFrom(
    'a[b][c]=1',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    'a=%ZZ',
    'limit=-1',
    'limit=1e309',
    'limit=99999999999999999999',
    'from=2026-13-45',
    'from=not-a-date&to=',
    'hallId=h-east&hallId=h-city',
    'kind=ticketer&kind[]=x',
    '&&&==&',
    '%',
    'q=' + 'x'.repeat(5000),
  ),
);
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
interface Body {
  type?: string;
  encoding?: string;
  text: string;
}
const body: fc.Arbitrary<Body | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })),
  fc
    .dictionary(
      fc.oneof(
        text,
        fc.constantFrom(
          'username',
          'password',
          'hallId',
          'kind',
          'deviceId',
          'role',
          'totp',
          'code',
          'pin',
          'oldPassword',
          'newPassword',
          '__proto__',
        ),
      ),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), text),
      { maxKeys: 6 },
    )
    .map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
  fc
    .constantFrom(
      '{"a":',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '[]',
      'null',
      '"str"',
      '1e999',
      '-',
      '{"username":"sup-east","password":{"$ne":null}}',
      '{"hallId":"h-east","kind":"ticketer","deviceId":"x","extra":1}',
      '\u0000',
      '',
      '\uFEFF{}',
      deep(5_000),
      deep(30_000),
      `{"x":"${'a'.repeat(70_000)}"}`,
    )
    .map((t) => ({ type: 'application/json', text: t })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json; charset=bogus',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/*',
        'application/json;;;',
        'application/vnd.api+json',
      ),
      fc.string({ maxLength: 200 }),
    )
    .map(([type, t]) => ({ type, text: t })),
  fc
    .tuple(fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'identity', 'x-bogus'), fc.string({ maxLength: 100 }))
    .map(([encoding, t]) => ({ type: 'application/json', encoding, text: t })),
);

describe('fuzzing the real stack: REST, Socket.IO, MQTT', { timeout: 60_000 * SCALE }, () => {
  let s: Stack;
  let tokens: { supEast: string; leader: string; staffEast: string };
  let revoked: string;
  let endpoints: { method: string; path: string }[];
  let creds: DeviceCredentials;
  let dev: TestDevice;
  let before: Counts;

  beforeAll(async () => {
    // Hundreds of joins a second on one socket are the point here; the join limit has its own test.
    s = await startStack({ SOCKET_JOINS_PER_SEC: '100000' });
    // Every sign-in happens before the fuzz: the fuzzer also hammers /api/auth/login into its rate limit.
    tokens = {
      supEast: await login(s, 'sup-east'),
      leader: await login(s, 'leader'),
      staffEast: await login(s, 'staff-east'),
    };
    revoked = await login(s, 'sup-city');
    await api(s, 'POST', '/api/auth/logout', undefined, revoked);
    const perms = await api<{ endpoints: EndpointRule[] }>(s, 'GET', '/api/permissions', undefined, tokens.supEast);
    expect(perms.status).toBe(200);
    endpoints = perms.body.endpoints.map((e) => ({ method: e.method, path: e.path }));
    expect(endpoints.length).toBeGreaterThan(5);
    creds = await addDevice(s.app.db, 'h-east', 'ticketer', 'tk-fuzz');
    dev = await connectDevice(s.app.mqttUrl, creds);
    before = await stateCounts(s);
  });
  afterAll(async () => {
    await dev?.close();
    await s?.stop();
  });

  async function send(method: string, path: string, q: string, b: Body | undefined, auth: string | undefined) {
    const headers: Record<string, string> = {};
    if (auth !== undefined) headers.authorization = auth;
    const withBody = b !== undefined && method !== 'GET' && method !== 'HEAD';
    if (withBody && b.type) headers['content-type'] = b.type;
    if (withBody && b.encoding) headers['content-encoding'] = b.encoding;
    const res = await fetch(`${s.base}${path}${q ? `?${q}` : ''}`, {
      method,
      headers,
      ...(withBody ? { body: b.text } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  const fill = (path: string, segs: string[]) => {
    let i = 0;
    return path.replace(/[{}]/g, '').replace(/[:*][A-Za-z_][A-Za-z0-9_]*/g, () => segs[i++ % segs.length] ?? 'x');
  };

  it('REST without a valid session: every route answers a coded 4xx (or 2xx where public), never 5xx', async () => {
    const routes = [
      ...endpoints,
      { method: 'GET', path: '/api/no-such/:x' },
      { method: 'DELETE', path: '/api/halls' },
      { method: 'PUT', path: '/api/halls/:hallId/snapshot' },
      { method: 'PATCH', path: '/api/permissions' },
    ];
    const auth = fc.oneof(
      fc.constant(undefined),
      fc.constant(`Bearer ${revoked}`),
      fc.string({ maxLength: 200 }).map((t) => `Bearer ${t}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic c3VwLWVhc3Q6RGVtbyMyMDI2',
        `bearer ${randomUUID()}`,
        `Bearer ${'a'.repeat(4000)}`,
        'Bearer null',
        'Bearer undefined',
        'Token x',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        query,
        body,
        auth,
        async (r, segs, q, b, a) => {
          const path = fill(r.path, segs);
          expectCoded(await send(r.method, path, q, b, a), `${r.method} ${path}?${q.slice(0, 80)}`);
        },
      ),
      { numRuns: RUNS.rest },
    );
  });

  it('REST with real sessions of three roles: coded refusals, and no random body is ever accepted by a changing endpoint', async () => {
    const accepted: string[] = [];
    const routes = endpoints.filter((e) => !ACTS_WITHOUT_BODY.has(`${e.method} ${e.path}`));
    const realSegment = fc.oneof(segment, fc.constantFrom('h-east', 'h-city', 'tk-fuzz', 'sup-east', randomUUID()));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(realSegment, { minLength: 1, maxLength: 4 }),
        query,
        body,
        fc.constantFrom(...Object.values(tokens)),
        async (r, segs, q, b, token) => {
          const path = fill(r.path, segs);
          const res = await send(r.method, path, q, b, `Bearer ${token}`);
          expectCoded(res, `${r.method} ${path}?${q.slice(0, 80)} body ${b?.text.slice(0, 80)}`);
          if (r.method !== 'GET' && res.status < 300)
            accepted.push(`${r.method} ${path} ${b?.text.slice(0, 80)} → ${res.status}`);
        },
      ),
      { numRuns: RUNS.restWithToken },
    );
    expect(accepted).toEqual([]);
    // Nothing the fuzz sent polluted Object.prototype (the server runs in this process).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The sessions still work.
    for (const t of Object.values(tokens)) expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(200);
  });

  it('Socket.IO: random events and payloads get coded error acks or nothing; the connection stays usable', async () => {
    const sock: Screen = await connectScreen(s, tokens.supEast);
    try {
      const eventName = fc
        .oneof(
          { arbitrary: fc.constantFrom('hall:join', 'hall:resync', 'hall:leave'), weight: 3 },
          {
            arbitrary: fc.oneof(
              fc.string({ maxLength: 30 }),
              fc.constantFrom(
                'hall:delta',
                'hall:snapshot',
                'hall:',
                ':',
                '__proto__',
                'constructor',
                'hall:join '.repeat(3),
                'x'.repeat(1000),
              ),
            ),
            weight: 1,
          },
        )
        .filter((e) => !RESERVED_SOCKET_EVENTS.has(e));
      const payload = fc.oneof(
        fc.jsonValue({ maxDepth: 5 }),
        fc.record({ hallId: fc.oneof(text, fc.integer(), fc.constant(null), fc.array(text)) }, { requiredKeys: [] }),
        fc.record({ hallId: fc.constantFrom('h-east', 'h-city', 'h-west'), extra: fc.jsonValue({ maxDepth: 1 }) }),
        fc.constantFrom(
          undefined,
          null,
          0,
          '',
          'h-east',
          { hallId: 'h-city' },
          { hallId: '../h-east' },
          { __proto__: { hallId: 'h-east' } },
        ),
        fc.uint8Array({ maxLength: 2048 }).map((u) => Buffer.from(u)),
        // The client library itself recurses over payloads; deeper nesting is sent as raw frames below.
        fc.integer({ min: 10, max: 800 }).map((n) => JSON.parse(deep(n))),
      );
      await fc.assert(
        fc.asyncProperty(eventName, fc.array(payload, { maxLength: 3 }), fc.boolean(), async (ev, args, withAck) => {
          const ctx = `${ev}(${JSON.stringify(args)?.slice(0, 120)})`;
          if (withAck) {
            const answered = ['hall:join', 'hall:resync', 'hall:leave'].includes(ev) && args.length === 1;
            const res = await sock
              .timeout(answered ? 5000 : 60)
              .emitWithAck(ev as 'hall:join', ...(args as [never]))
              .catch((e: Error) => ({ timedOut: e.message }));
            if ('timedOut' in res) {
              // Unanswered: events the server does not know, and commands whose ack is not the second
              // argument (the handlers are `(request, ack)`; a wrong arity is "nothing", which is allowed).
              expect(answered, ctx).toBe(false);
            } else if (!res.ok) {
              expect(errorBodySchema.safeParse({ error: res.error }).success, `${ctx} → ${JSON.stringify(res)}`).toBe(
                true,
              );
            } else {
              expect(args[0], ctx).toMatchObject({ hallId: expect.any(String) });
            }
          } else {
            (sock.emit as (e: string, ...a: unknown[]) => void)(ev, ...args);
          }
          // Still usable: a real command right after.
          const ok = await sock.timeout(5000).emitWithAck('hall:resync', { hallId: 'h-east' });
          expect(ok.ok, ctx).toBe(true);
        }),
        { numRuns: RUNS.socket },
      );
      expect(sock.connected).toBe(true);
    } finally {
      sock.close();
    }
  });

  it('Socket.IO: raw, malformed and deeply nested frames get a coded ack, nothing, or a closed connection; the server keeps serving', async () => {
    const ACK = 987654;
    const frame = fc.oneof(
      fc.integer({ min: 100, max: 8000 }).map((n) => `2${ACK}["hall:join",${deep(n)}]`),
      fc.integer({ min: 100, max: 5000 }).map((n) => `2${ACK}["hall:join",${'{"a":'.repeat(n)}1${'}'.repeat(n)}]`),
      fc.jsonValue({ maxDepth: 4 }).map((v) => `2${ACK}${JSON.stringify(['hall:resync', v])}`),
      fc.string({ maxLength: 300 }).map((t) => `2${ACK}${t}`),
      fc.string({ maxLength: 300 }),
      fc.constantFrom(
        '2',
        '2[',
        '2["hall:join"',
        `2${ACK}`,
        `2${ACK}[]`,
        `2${ACK}[1]`,
        `2${ACK}[null]`,
        `2${ACK}["__proto__",{}]`,
        '3',
        `3${ACK}[]`,
        '0',
        '0{}',
        '5',
        '6',
        '7',
        '9',
        '2/other,["hall:join",{"hallId":"h-east"}]',
        `2-1["hall:join",{}]`,
        `2${'9'.repeat(400)}["hall:join",{}]`,
        `2${ACK}["hall:join",{"hallId":"h-east"},1,2,3]`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (data) => {
        const sock = await connectScreen(s, tokens.supEast);
        try {
          const engine = sock.io.engine;
          const acks: string[] = [];
          engine.on('message', (m: unknown) => {
            if (typeof m === 'string' && m.startsWith(`3${ACK}`)) acks.push(m.slice(`3${ACK}`.length));
          });
          const closed = new Promise<void>((r) => sock.once('disconnect', () => r()));
          engine.send(data);
          await Promise.race([closed, until(() => acks.length > 0, 150).catch(() => undefined)]);
          for (const a of acks) {
            const [res] = JSON.parse(a) as [{ ok: boolean; error?: unknown }];
            if (!res.ok)
              expect(
                errorBodySchema.safeParse({ error: res.error }).success,
                `${data.slice(0, 100)} → ${a.slice(0, 200)}`,
              ).toBe(true);
          }
          if (sock.connected)
            expect(
              (await sock.timeout(5000).emitWithAck('hall:resync', { hallId: 'h-east' })).ok,
              data.slice(0, 100),
            ).toBe(true);
        } finally {
          sock.close();
        }
      }),
      { numRuns: RUNS.socketRaw },
    );
    const again = await connectScreen(s, tokens.supEast);
    expect((await again.emitWithAck('hall:resync', { hallId: 'h-east' })).ok).toBe(true);
    again.close();
  });

  it('Socket.IO: a payload over the buffer limit closes only that connection; hostile handshakes are refused with a code', async () => {
    const victim = await connectScreen(s, tokens.supEast);
    const gone = new Promise<string>((r) => victim.once('disconnect', (reason) => r(reason)));
    victim.emit('hall:join', { hallId: 'x'.repeat(64 * 1024) } as never, () => undefined);
    expect(await gone).toMatch(/transport close|transport error|ping timeout/);
    victim.close();

    // socket.io refuses a non-object CONNECT payload at the parser; objects reach the server's auth check.
    const handshake = fc.oneof(
      fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      fc.record({ token: fc.oneof(text, fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })) }),
    );
    await fc.assert(
      fc.asyncProperty(handshake, async (auth) => {
        const sock = ioClient(s.base, {
          auth: auth as Record<string, unknown>,
          transports: ['websocket'],
          reconnection: false,
        });
        try {
          const err = await new Promise<Error & { data?: unknown }>((resolve, reject) => {
            sock.once('connect', () => reject(new Error(`connected with auth ${JSON.stringify(auth)}`)));
            sock.once('connect_error', resolve);
          });
          expect(errorBodySchema.safeParse(err.data).success, JSON.stringify(err.data)).toBe(true);
        } finally {
          sock.close();
        }
      }),
      { numRuns: RUNS.socketAuth },
    );
    const again = await connectScreen(s, tokens.supEast);
    expect((await again.emitWithAck('hall:resync', { hallId: 'h-east' })).ok).toBe(true);
    again.close();
  });

  it("MQTT: random payloads on the device's own topics get a coded down/error or are refused and kept; the device stays connected", async () => {
    const goodType = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9-]{0,8}){0,2}$/);
    const type = fc.oneof(
      fc.constantFrom(
        'ticket.request',
        'device.status',
        'rating.submit',
        'call.next',
        'camera.count',
        'error',
        'ticket.issued',
      ),
      goodType,
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((u) => Buffer.from(u)),
      fc.string({ maxLength: 200 }).map((t) => Buffer.from(t)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      fc
        .record(
          {
            v: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
            id: fc.oneof(fc.uuid(), text, fc.integer()),
            ts: fc.oneof(fc.integer(), fc.double(), text),
            type: fc.oneof(type, text),
            data: fc.jsonValue({ maxDepth: 4 }),
          },
          { requiredKeys: [] },
        )
        .map((e) => Buffer.from(JSON.stringify(e))),
      // Completed below into a well-formed envelope of the topic's type with random data.
      fc.record({
        data: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record(
            { itemCode: fc.oneof(text, fc.integer()), identity: fc.jsonValue({ maxDepth: 2 }), paper: text },
            { requiredKeys: [] },
          ),
        ),
      }),
      fc
        .integer({ min: 100, max: 20_000 })
        .map((n) => Buffer.from(`{"v":1,"id":"deep","ts":1,"type":"ticket.request","data":${deep(n)}}`)),
      fc
        .integer({ min: 16 * 1024 + 1, max: 60 * 1024 })
        .map((n) =>
          Buffer.from(
            JSON.stringify({ v: 1, id: 'big', ts: 1, type: 'ticket.request', data: { itemCode: 'x'.repeat(n) } }),
          ),
        ),
    );
    let seen = dev.inbox.length;
    const deadLetters = async () =>
      (
        await s.app.db.query(
          "SELECT count(*)::int AS n FROM dead_letters WHERE device_id = 'tk-fuzz' OR topic LIKE 'halls/h-east/ticketer/tk-fuzz/%'",
        )
      ).rows[0].n as number;
    await fc.assert(
      fc.asyncProperty(type, payload, fc.boolean(), async (t, p, onState) => {
        const id = randomUUID();
        const bytes = Buffer.isBuffer(p)
          ? p
          : Buffer.from(JSON.stringify({ v: 1, id, ts: Date.now(), type: t, ...(p as object) }));
        const topic = onState ? topics.state(creds) : topics.up(creds, t);
        if (onState && ['online', 'offline', ''].includes(bytes.toString())) return; // a real presence change, not garbage
        const dl0 = await deadLetters();
        await dev.client.publishAsync(topic, bytes, { qos: 1 });
        // A coded reply on down/error, or (when no device could be addressed) a kept refusal.
        await until(async () => dev.inbox.length > seen || (await deadLetters()) > dl0, 5000);
        for (const m of dev.inbox.slice(seen)) {
          expect(m.msg.type, `${topic} ${bytes.toString().slice(0, 120)}`).toBe('error');
          expect(m.topic).toBe(topics.down(creds, 'error'));
          expect(String(m.msg.data.code)).toMatch(/^HALL_ERR_[A-Z_]+$/);
          expect(m.msg.data.code).not.toBe('HALL_ERR_INTERNAL');
        }
        await until(async () => (await deadLetters()) > dl0, 5000);
        seen = dev.inbox.length;
        expect(dev.client.connected).toBe(true);
      }),
      { numRuns: RUNS.mqtt },
    );
    // The ingest still serves the device.
    const r = await dev.request('ticket.request', { itemCode: 'NOPE-FUZZ' });
    expect(r.data).toMatchObject({ code: 'HALL_ERR_UNKNOWN_ITEM' });
  });

  it("MQTT: publishes outside the device's own topics are refused (connection closed), and the broker keeps serving", async () => {
    const foreign = fc.oneof(
      fc.constantFrom(
        'halls/h-city/ticketer/tk-city-1/up/ticket.request',
        'halls/h-east/ticketer/other/up/ticket.request',
        'halls/h-east/caller/tk-fuzz/up/call.next',
        `${topics.down(creds, 'ticket.issued')}`,
        'halls/h-east/display/led-1',
        '$SYS/broker/x',
        '$share/g/halls/h-east/ticketer/tk-fuzz/up/x',
        'foo',
        'halls',
        'halls/h-east',
        `${topics.up(creds, 'Ticket.Request')}`,
        `${topics.up(creds, 'a/b')}`,
        `${topics.prefix(creds)}/up/`,
        `${topics.prefix(creds)}/upx/a`,
        `${topics.prefix(creds)}/state/x`,
        `/${topics.up(creds, 'x')}`,
      ),
      fc
        .tuple(
          fc.array(
            fc.oneof(
              text.filter((x) => !/[+#]/.test(x) && !x.includes('\u0000') && x.length > 0),
              fc.constantFrom('halls', 'h-east', 'ticketer', 'tk-fuzz', 'up', 'down', 'state'),
            ),
            { minLength: 1, maxLength: 7 },
          ),
        )
        .map(([levels]) => levels.join('/'))
        .filter(
          (t) =>
            t !== topics.state(creds) &&
            !(
              t.startsWith(`${topics.prefix(creds)}/up/`) &&
              /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)*$/.test(t.slice(topics.prefix(creds).length + 4))
            ),
        ),
    );
    await dev.close();
    await fc.assert(
      fc.asyncProperty(foreign, fc.uint8Array({ maxLength: 256 }), async (topic, bytes) => {
        const d = await connectDevice(s.app.mqttUrl, creds);
        try {
          const closed = new Promise<void>((r) => d.client.once('close', () => r()));
          d.client.publish(topic, Buffer.from(bytes), { qos: 1 }, () => undefined);
          await Promise.race([
            closed,
            new Promise((_, rej) =>
              setTimeout(() => rej(new Error(`still connected after publishing on ${topic}`)), 5000),
            ),
          ]);
        } finally {
          await d.client.endAsync(true);
        }
      }),
      { numRuns: RUNS.mqttForeign },
    );
    dev = await connectDevice(s.app.mqttUrl, creds);
    const r = await dev.request('ticket.request', { itemCode: 'NOPE-FUZZ' });
    expect(r.data).toMatchObject({ code: 'HALL_ERR_UNKNOWN_ITEM' });
  });

  it('nothing changed, and the process still serves', async () => {
    expect(await stateCounts(s)).toEqual(before);
    expect((await api(s, 'GET', '/healthz')).status).toBe(200);
    expect((await api(s, 'GET', '/api/halls/h-east/snapshot', undefined, tokens.supEast)).status).toBe(200);
    // The refusals were kept and counted.
    expect((await s.app.db.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBeGreaterThan(100);
  });
});
