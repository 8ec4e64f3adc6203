/*
 * k6 load test: the real mix of a working morning in the hall control center,
 * with seed 001's thresholds written in `options.thresholds` (k6 exits non-zero
 * when one is not met):
 *
 *   reads      http_req_duration{kind:read}  p95 < 300 ms, p99 < 1 s
 *   operations http_req_duration{kind:op}    p95 < 500 ms
 *   errors     http_req_failed               rate == 0, checks rate == 1
 *   walls      ws_failed == 0, ws_join_ms max < 15 s, delta_delay_ms p99 < 300 ms
 *
 * Scenarios (each can be turned off with 0):
 *   walls     WALL_VUS VUs, each holding SOCKETS_PER_VU Socket.IO sockets over
 *             k6/experimental/websockets with Engine.IO v4 framing written by hand:
 *             `0{…}` open → `40{"token":…}` connect with auth → `421["hall:join",{"hallId":…}]`
 *             → ack `431[{ok,data:snapshot}]`; then `42["hall:delta",{…}]` deltas, whose delay is
 *             now − Date.parse(delta.event.at); `2` ping → `3` pong. A refusal with code
 *             HALL_ERR_BUSY (connect `44{…data}` or join ack `{ok:false,error}`) is the server
 *             admitting at its own rate: wait retryAfterMs + jitter and retry; counted in
 *             ws_busy, not a failure.
 *   consoles  window staff at the console (呼叫端): POST /api/halls/:h/windows/:w/ops
 *             (open/resume → next → start → complete as the window's state asks), then
 *             GET …/console as the dashboard does after every op. One demo staff account
 *             per VU, signed in at one window of its hall in setup() (taking it over from a
 *             simulated clerk); CONSOLE_USERS should not exceed the STAFF_USERS listed.
 *   citizens  GET /api/public/tickets/:id every CITIZEN_EVERY s (the phone page's poll) for a
 *             ticket taken from the consoles' waiting lists in setup(); no session.
 *             Each citizen sends its own X-Forwarded-For address (XFF=0 turns it off): the
 *             server trusts it from loopback only and limits the page per client address
 *             (3,000 a minute), so run k6 on the server's machine or behind its proxy.
 *   leaders   the leadership screen (#/leader, dashboard/src/stores/leader.ts): its 12
 *             requests at once, as at 9:00 when every leader opens it, then its refresh
 *             every LEADER_REFRESH s (60, as the dashboard).
 *
 * k6 v0.47 or later (k6/experimental/websockets and k6/experimental/timers); k6 is a Go
 * binary, not an npm package: install it your own way (https://grafana.com/docs/k6/latest/set-up/install-k6/).
 * Raise the open-file limit first (`ulimit -n 20000`). One k6 process stalls with a few
 * thousand sockets: hold large counts with `npm run load -- --sockets N` (load-tests/README.md).
 *
 *   k6 run -e BASE=http://127.0.0.1:8080 load-tests/mix.k6.js
 *   k6 run -e BASE=http://127.0.0.1:8080 -e DURATION=2m -e WALL_VUS=4 -e SOCKETS_PER_VU=250 \
 *          -e CITIZENS=200 -e LEADERS=10 load-tests/mix.k6.js
 *
 * Environment (k6 -e): BASE (http://localhost:8080), PASSWORD (Demo#2026), DURATION (1m),
 * WALL_VUS (2), SOCKETS_PER_VU (50), SESSIONS (sign-ins the sockets are spread over; default
 * sockets / PER_SESSION, PER_SESSION 100 = the server's SOCKETS_PER_SESSION),
 * SESSION_USERS (sup-city,leader,sup-east,east-leader), CONSOLE_USERS (4),
 * STAFF_USERS (staff-city,staff-east,staff-west,staff-donghu), OP_THINK (2 s),
 * CITIZENS (20), CITIZEN_EVERY (5 s), XFF (1), LEADERS (2), LEADER_USERS (leader,east-leader),
 * LEADER_REFRESH (60 s), JOIN_TIMEOUT (15 s: a socket not joined by then is failed).
 *
 * Imports nothing from the server (docs/architecture.md import rules for load-tests/).
 */
import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { WebSocket } from 'k6/experimental/websockets';
import { setTimeout } from 'k6/experimental/timers';

const BASE = (__ENV.BASE || 'http://localhost:8080').replace(/\/+$/, '');
const WS_URL = `${BASE.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const PASSWORD = __ENV.PASSWORD || 'Demo#2026';
const DURATION = __ENV.DURATION || '1m';
const WALL_VUS = int('WALL_VUS', 2);
const SOCKETS_PER_VU = int('SOCKETS_PER_VU', 50);
// The server lets one session hold SOCKETS_PER_SESSION (100) open sockets per process: spread over enough sign-ins.
const PER_SESSION = Math.max(1, int('PER_SESSION', 100));
const SESSIONS = Math.max(1, int('SESSIONS', Math.ceil((WALL_VUS * SOCKETS_PER_VU) / PER_SESSION)));
const SESSION_USERS = list('SESSION_USERS', 'sup-city,leader,sup-east,east-leader');
const CONSOLE_USERS = int('CONSOLE_USERS', 4);
const STAFF_USERS = list('STAFF_USERS', 'staff-city,staff-east,staff-west,staff-donghu');
const OP_THINK = num('OP_THINK', 2);
const CITIZENS = int('CITIZENS', 20);
const CITIZEN_EVERY = num('CITIZEN_EVERY', 5);
const XFF = __ENV.XFF !== '0';
const LEADERS = int('LEADERS', 2);
const LEADER_USERS = list('LEADER_USERS', 'leader,east-leader');
const LEADER_REFRESH = num('LEADER_REFRESH', 60);
const JOIN_TIMEOUT_MS = num('JOIN_TIMEOUT', 15) * 1000;
const DURATION_MS = durationMs(DURATION);

function int(name, dflt) {
  return Math.floor(num(name, dflt));
}
function num(name, dflt) {
  const v = __ENV[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0 (got ${v})`);
  return n;
}
function list(name, dflt) {
  return (__ENV[name] || dflt)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
/** '90s', '2m', '1h30m' → ms. */
function durationMs(s) {
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m;
  while ((m = re.exec(s)) !== null) ms += Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2]];
  if (ms === 0) throw new Error(`DURATION ${s} is not a k6 duration`);
  return ms;
}

const scenarios = {};
if (WALL_VUS > 0 && SOCKETS_PER_VU > 0)
  scenarios.walls = {
    executor: 'per-vu-iterations',
    exec: 'walls',
    vus: WALL_VUS,
    iterations: 1,
    maxDuration: `${Math.ceil(DURATION_MS / 1000) + Math.ceil(JOIN_TIMEOUT_MS / 1000) + 30}s`,
  };
if (CONSOLE_USERS > 0)
  scenarios.consoles = { executor: 'constant-vus', exec: 'consoles', vus: CONSOLE_USERS, duration: DURATION };
if (CITIZENS > 0)
  scenarios.citizens = { executor: 'constant-vus', exec: 'citizens', vus: CITIZENS, duration: DURATION };
if (LEADERS > 0) scenarios.leaders = { executor: 'constant-vus', exec: 'leaders', vus: LEADERS, duration: DURATION };

export const options = {
  scenarios,
  // Setup signs in one account after another: each sign-in is a deliberate argon2 hash.
  setupTimeout: '5m',
  teardownTimeout: '2m',
  thresholds: {
    'http_req_duration{kind:read}': ['p(95)<300', 'p(99)<1000'],
    'http_req_duration{kind:op}': ['p(95)<500'],
    // The same read rule per scenario, so the summary shows which screens miss it.
    'http_req_duration{kind:read,scenario:citizens}': ['p(95)<300', 'p(99)<1000'],
    'http_req_duration{kind:read,scenario:consoles}': ['p(95)<300', 'p(99)<1000'],
    'http_req_duration{kind:read,scenario:leaders}': ['p(95)<300', 'p(99)<1000'],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    ws_failed: ['count==0'],
    ws_join_ms: ['max<15000'],
    delta_delay_ms: ['p(99)<300'],
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
};

const wsJoinMs = new Trend('ws_join_ms', true);
const wsHandshakeMs = new Trend('ws_handshake_ms', true);
const deltaDelayMs = new Trend('delta_delay_ms', true);
const wsJoined = new Counter('ws_joined');
const wsFailed = new Counter('ws_failed');
const wsBusy = new Counter('ws_busy');
const wsReconnects = new Counter('ws_reconnects');
const wsGaps = new Counter('ws_gaps');
const deltas = new Counter('deltas_received');
const citizenNoTicket = new Counter('citizen_no_ticket');
const opRefusedBySim = new Counter('op_refused_by_simulator');
/** A window op's 409 is judged by its code below, not counted in http_req_failed. */
const OP_STATUSES = http.expectedStatuses(200, 409);

/** Checks a 200 and tells the first few refusals of this VU (status, code), so a failed threshold has a reason. */
let told = 0;
function ok200(res, what) {
  const good = check(res, { [`${what} 200`]: (r) => r.status === 200 });
  if (!good && told < 5) {
    told++;
    console.warn(`${what}: ${res.status} ${String(res.body).slice(0, 200)}`);
  }
  return good;
}

// ── setup / teardown ───────────────────────────────────────────────────────

const JSON_HEADERS = { 'content-type': 'application/json' };
const setupTag = (name) => ({ tags: { kind: 'setup', name } });
const auth = (token, extra) => Object.assign({ authorization: `Bearer ${token}` }, extra || {});

function login(username) {
  const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ username, password: PASSWORD }), {
    headers: JSON_HEADERS,
    tags: { kind: 'setup', name: 'login' },
  });
  // Stop at the first refusal: failed sign-ins count against the server's rate limits and lock accounts.
  if (res.status !== 200) fail(`sign-in of ${username} refused: ${res.status} ${res.body}`);
  const body = res.json();
  const halls = http.get(`${BASE}/api/halls`, Object.assign({ headers: auth(body.token) }, setupTag('halls')));
  const ids = halls.status === 200 ? halls.json('halls').map((h) => h.id) : [];
  return { username, token: body.token, hallId: body.user.hallId, halls: ids };
}

export function setup() {
  const sessions = [];
  if (scenarios.walls) for (let i = 0; i < SESSIONS; i++) sessions.push(login(SESSION_USERS[i % SESSION_USERS.length]));

  const slots = [];
  const tickets = [];
  if (scenarios.consoles || scenarios.citizens) {
    const staff = STAFF_USERS.slice(0, Math.max(CONSOLE_USERS, scenarios.citizens ? 1 : 0));
    for (const u of staff) {
      const s = login(u);
      const hallId = s.hallId || s.halls[0];
      const list = http.get(
        `${BASE}/api/halls/${hallId}/windows`,
        Object.assign({ headers: auth(s.token) }, setupTag('windows')),
      );
      if (list.status !== 200) fail(`GET windows of ${hallId} as ${u}: ${list.status}`);
      const windows = list.json('windows');
      // Citizens' tickets: the waiting lists of the hall's consoles.
      for (const w of windows) {
        const c = http.get(consoleUrl(hallId, w.id), Object.assign({ headers: auth(s.token) }, setupTag('console')));
        if (c.status !== 200) continue;
        for (const t of c.json('waiting') || []) tickets.push(t.ticketId);
      }
      if (!scenarios.consoles || slots.length >= CONSOLE_USERS) {
        slots.push({ username: u, token: s.token, hallId, windowId: null });
        continue;
      }
      const taken = slots.map((x) => x.windowId);
      const mine = windows.find((w) => w.staff && w.staff.username === u);
      const chosen =
        mine ||
        windows.find((w) => !w.staff) ||
        windows
          .slice()
          .reverse()
          .find((w) => taken.indexOf(w.id) < 0);
      if (!chosen) fail(`no window for ${u} in ${hallId}`);
      if (!mine) {
        const si = http.post(
          `${BASE}/api/halls/${hallId}/windows/${chosen.id}/signin`,
          JSON.stringify({ takeOver: true }),
          Object.assign({ headers: auth(s.token, JSON_HEADERS) }, setupTag('signin')),
        );
        if (si.status !== 200) fail(`${u} could not sign in at ${chosen.id}: ${si.status} ${si.body}`);
      }
      slots.push({ username: u, token: s.token, hallId, windowId: chosen.id });
    }
  }

  const leaders = [];
  if (scenarios.leaders)
    for (let i = 0; i < Math.min(LEADERS, LEADER_USERS.length); i++) leaders.push(login(LEADER_USERS[i]));
  if (scenarios.citizens && tickets.length === 0)
    console.warn('no waiting ticket found: citizens have nothing to poll');
  return {
    sessions,
    slots: slots.filter((s) => s.windowId),
    tokens: allTokens(sessions, slots, leaders),
    leaders,
    tickets,
  };
}

function allTokens(...groups) {
  const out = [];
  for (const g of groups) for (const x of g) out.push(x.token);
  return out;
}

export function teardown(data) {
  for (const s of data.slots) {
    const r = http.post(`${BASE}/api/halls/${s.hallId}/windows/${s.windowId}/signout`, '{}', {
      headers: auth(s.token, JSON_HEADERS),
      tags: { kind: 'setup', name: 'signout' },
      // 409: the simulator's clerk is back at the window (its caller signs in over a person).
      responseCallback: OP_STATUSES,
    });
    if (r.status !== 200 && r.status !== 409)
      console.warn(`sign-out of ${s.username} at ${s.windowId}: ${r.status} ${r.body}`);
  }
  for (const t of data.tokens) {
    const r = http.post(`${BASE}/api/auth/logout`, null, { headers: auth(t), tags: { kind: 'setup', name: 'logout' } });
    if (r.status >= 400) console.warn(`logout: ${r.status} ${r.body}`);
  }
}

// ── walls: Socket.IO over a plain WebSocket ─────────────────────────────────

function codeOf(x) {
  if (!x || typeof x !== 'object') return null;
  if (x.error && typeof x.error.code === 'string') return x.error.code;
  if (typeof x.code === 'string') return x.code;
  return x.data ? codeOf(x.data) : null;
}
function retryAfterMsOf(x, depth) {
  if (!x || typeof x !== 'object' || (depth || 0) > 3) return null;
  if (typeof x.retryAfterMs === 'number') return x.retryAfterMs;
  if (typeof x.retryAfterSec === 'number') return x.retryAfterSec * 1000;
  for (const k of ['details', 'error', 'data']) {
    const r = retryAfterMsOf(x[k], (depth || 0) + 1);
    if (r !== null) return r;
  }
  return null;
}
function busyWait(x) {
  const r = retryAfterMsOf(x, 0);
  const ms = r === null ? 1000 : Math.min(r, 60000);
  return ms + Math.random() * Math.max(250, ms / 2);
}

export function walls(data) {
  const conns = [];
  for (let k = 0; k < SOCKETS_PER_VU; k++) {
    const g = exec.scenario.iterationInTest * SOCKETS_PER_VU + k;
    const sess = data.sessions[g % data.sessions.length];
    conns.push(wall(sess.token, sess.halls[Math.floor(g / data.sessions.length) % sess.halls.length]));
  }
  // A socket that has not joined by the deadline has failed, whatever it is still trying.
  setTimeout(() => {
    for (const c of conns) if (!c.joinedOnce && !c.failed) c.fail('not joined in time');
  }, JOIN_TIMEOUT_MS);
  setTimeout(() => {
    for (const c of conns) c.close();
  }, DURATION_MS);
}

let toldFailures = 0;

function wall(token, hallId) {
  const c = { joinedOnce: false, failed: null, done: false, ws: null, fail, close };
  const t0 = Date.now();
  let ackId = 0;
  let joinAck = -1;
  let lastSeq = null;
  let resyncAck = -1;
  let handshook = false;

  function fail(reason) {
    if (c.failed || c.joinedOnce) return;
    c.failed = reason;
    wsFailed.add(1, { reason });
    if (toldFailures < 5) {
      toldFailures++;
      console.warn(`socket to ${hallId} failed: ${reason}`);
    }
    close();
  }
  function close() {
    c.done = true;
    if (c.ws) c.ws.close();
  }
  function emit(event, payload) {
    const id = ++ackId;
    c.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    return id;
  }
  function join() {
    if (c.done) return;
    joinAck = emit('hall:join', { hallId });
  }
  function resync() {
    if (c.done) return;
    resyncAck = emit('hall:resync', { hallId });
  }
  function connect() {
    if (c.done) return;
    const ws = new WebSocket(WS_URL);
    c.ws = ws;
    ws.onmessage = (e) => {
      const m = String(e.data);
      if (m === '2') return ws.send('3'); // Engine.IO ping → pong
      if (m[0] === '0') return ws.send(`40${JSON.stringify({ token })}`); // open → Socket.IO connect with auth
      if (m.startsWith('40')) {
        if (!handshook) wsHandshakeMs.add(Date.now() - t0);
        handshook = true;
        return join();
      }
      if (m.startsWith('44')) {
        // connect_error: {message, data}
        const err = JSON.parse(m.slice(2));
        const code = codeOf(err) || err.message || 'connect_error';
        if (code === 'HALL_ERR_BUSY') {
          wsBusy.add(1, { at: 'handshake' });
          ws.close();
          setTimeout(connect, busyWait(err));
          return;
        }
        return fail(code);
      }
      if (m.startsWith('43')) {
        const a = /^43(\d+)([\s\S]*)$/.exec(m);
        if (!a) return;
        const id = Number(a[1]);
        const res = JSON.parse(a[2])[0];
        if (id === resyncAck) {
          if (res && res.ok) {
            lastSeq = res.data.seq;
            resyncAck = -1;
          } else setTimeout(resync, busyWait(res)); // refused (join limit, busy): ask again when told
          return;
        }
        if (id !== joinAck) return;
        if (res && res.ok) {
          lastSeq = res.data.seq;
          if (!c.joinedOnce && !c.failed) {
            c.joinedOnce = true;
            wsJoinMs.add(Date.now() - t0);
            wsJoined.add(1);
          }
          return;
        }
        const refused = codeOf(res);
        if (refused === 'HALL_ERR_BUSY' || refused === 'HALL_ERR_RATE_LIMITED') {
          // Admission, or the per-socket join limit (SOCKET_JOINS_PER_SEC): come back when told.
          wsBusy.add(1, { at: 'join', code: refused });
          setTimeout(join, busyWait(res));
          return;
        }
        return fail(codeOf(res) || 'join refused');
      }
      if (m.startsWith('42')) {
        const [name, d] = JSON.parse(m.slice(2));
        if (name === 'session:ended') return fail('session ended');
        if (name !== 'hall:delta') return;
        deltaDelayMs.add(Date.now() - Date.parse(d.event.at));
        deltas.add(1);
        if (lastSeq === null || resyncAck >= 0 || d.seq <= lastSeq) return;
        if (d.seq === lastSeq + 1) lastSeq = d.seq;
        else {
          wsGaps.add(1);
          resync();
        }
        return;
      }
      if (m.startsWith('41')) ws.close(); // the server disconnected the socket: reconnect below
    };
    ws.onclose = () => {
      if (c.done || c.failed) return;
      wsReconnects.add(1);
      setTimeout(connect, 1000 + Math.random() * 2000);
    };
    ws.onerror = () => undefined; // onclose follows
  }
  connect();
  return c;
}

// ── consoles: window staff ─────────────────────────────────────────────────

function consoleUrl(hallId, windowId) {
  return `${BASE}/api/halls/${hallId}/windows/${windowId}/console`;
}
let windowState = null;

function nextOp(s) {
  if (!s) return { op: 'next' };
  if (s.status === 'closed') return { op: 'open' };
  if (s.status === 'paused') return { op: 'resume' };
  if (!s.current) return { op: 'next' };
  if (s.current.status === 'called') return { op: 'start' };
  return { op: 'complete', outcome: 'done' };
}
/** The JSON body, or null when there is none (a proxy's HTML page); k6 v0.47 has no `catch {}`. */
function safeJson(res) {
  const type = res.headers['Content-Type'] || '';
  return type.indexOf('json') >= 0 && res.body ? res.json() : null;
}
function stateOf(res) {
  if (res.status !== 200) return windowState;
  const b = res.json();
  return b && b.window ? { status: b.window.status, current: b.current ? { status: b.current.status } : null } : null;
}

export function consoles(data) {
  const slot = data.slots[vuIndex()];
  if (!slot) {
    // More console VUs than staff windows: two clerks at one window would only refuse each other.
    sleep(DURATION_MS / 1000);
    return;
  }
  const headers = auth(slot.token, JSON_HEADERS);
  const consoleParams = { headers, tags: { kind: 'read', name: 'console' } };
  // A clerk sitting down looks at the screen first: the window may still hold a ticket.
  if (windowState === null) {
    const first = http.get(consoleUrl(slot.hallId, slot.windowId), consoleParams);
    ok200(first, 'console');
    windowState = stateOf(first);
  }
  const op = nextOp(windowState);
  const windowUrl = `${BASE}/api/halls/${slot.hallId}/windows/${slot.windowId}`;
  const res = http.post(`${windowUrl}/ops`, JSON.stringify(op), {
    headers,
    tags: { kind: 'op', name: `op:${op.op}` },
    responseCallback: OP_STATUSES,
  });
  const code = res.status === 409 ? codeOf(safeJson(res)) : null;
  if (code === 'HALL_ERR_CONFLICT' || code === 'HALL_ERR_NOT_AT_WINDOW') {
    // The demo's simulator works these windows too, and its caller signs its clerk back in at a
    // window a person took over: counted apart, not an error of the server.
    opRefusedBySim.add(1, { code });
    if (code === 'HALL_ERR_NOT_AT_WINDOW') {
      const si = http.post(`${windowUrl}/signin`, JSON.stringify({ takeOver: true }), {
        headers,
        tags: { kind: 'op', name: 'op:signin' },
      });
      ok200(si, 'sign-in again');
    }
  } else {
    ok200(res, `op ${op.op}`);
    windowState = stateOf(res);
  }
  const c = http.get(consoleUrl(slot.hallId, slot.windowId), consoleParams);
  ok200(c, 'console');
  windowState = stateOf(c);
  sleep(OP_THINK * (0.7 + 0.6 * Math.random()));
}

/**
 * This VU's number within its scenario (0, 1, …). VU ids are global and k6
 * hands them to scenarios in no fixed order, so each VU takes the scenario's
 * iteration number of its first iteration: all VUs of a constant-vus scenario
 * start their first iteration together, so these are 0 … vus − 1.
 */
let myIndex = null;
function vuIndex() {
  if (myIndex === null) myIndex = exec.scenario.iterationInTest;
  return myIndex;
}

// ── citizens: the ticket page ───────────────────────────────────────────────

let myTicket = null;
let citizenIter = 0;

export function citizens(data) {
  const me = vuIndex();
  if (!myTicket && data.tickets.length) myTicket = data.tickets[(me + citizenIter * CITIZENS) % data.tickets.length];
  citizenIter++;
  if (!myTicket) {
    citizenNoTicket.add(1);
    sleep(CITIZEN_EVERY);
    return;
  }
  const headers = XFF
    ? { 'x-forwarded-for': `10.${((me + 1) >> 16) & 255}.${((me + 1) >> 8) & 255}.${(me + 1) & 255}` }
    : {};
  const res = http.get(`${BASE}/api/public/tickets/${myTicket}`, { headers, tags: { kind: 'read', name: 'ticket' } });
  ok200(res, 'ticket');
  if (res.status === 200) {
    const status = res.json('status');
    // Served or gone: this citizen's visit is over; the VU becomes the next citizen.
    if (status === 'done' || status === 'dropped') myTicket = null;
  }
  sleep(CITIZEN_EVERY * (0.9 + 0.2 * Math.random()));
}

// ── leaders: the leadership screen ──────────────────────────────────────────

const DAY_MS = 86400000;
const HALL_OFFSET_MS = 8 * 3600000; // Asia/Shanghai, the demo halls' zone (no daylight saving)
let leaderLoads = 0;

function qs(o) {
  return Object.keys(o)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(o[k])}`)
    .join('&');
}

export function leaders(data) {
  const sess = data.leaders[vuIndex() % data.leaders.length];
  const start = Date.now();
  const now = new Date();
  const to = now.toISOString();
  const dayStart = Math.floor((now.getTime() + HALL_OFFSET_MS) / DAY_MS) * DAY_MS - HALL_OFFSET_MS;
  const from = new Date(dayStart - 6 * DAY_MS).toISOString(); // the 7-day period, by day
  const visitsFrom = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const range = { from, to };
  const reqs = [];
  if (leaderLoads === 0) reqs.push(['indicators', '/api/indicators'], ['halls', '/api/halls']);
  reqs.push(
    ['values', `/api/indicators/values?${qs(range)}`],
    ['regions', `/api/analytics/regions?${qs(range)}`],
    ['map', '/api/analytics/map'],
    ['trend', `/api/analytics/trend?${qs({ from, to, bucket: 'day' })}`],
    ['ranking', `/api/analytics/ranking?${qs({ from, to, by: 'hall', limit: 50 })}`],
    ['forecast', '/api/analytics/forecast'],
    ['efficiency', `/api/analytics/efficiency?${qs({ from, to, by: 'window', enterprise: 'false', limit: 20 })}`],
    ['case-trend', '/api/analytics/case-trend'],
    ['review-scores', `/api/analytics/review-scores?${qs({ from, to, by: 'hall', limit: 20 })}`],
    ['multiple-visits', `/api/analytics/multiple-visits?${qs({ from: visitsFrom, to, limit: 10 })}`],
  );
  leaderLoads++;
  const res = http.batch(
    reqs.map(([name, path]) => ({
      method: 'GET',
      url: `${BASE}${path}`,
      params: { headers: auth(sess.token), tags: { kind: 'read', name: `leader:${name}` } },
    })),
  );
  res.forEach((r, i) => ok200(r, `leader:${reqs[i][0]}`));
  const left = LEADER_REFRESH * 1000 - (Date.now() - start);
  if (left > 0) sleep(left / 1000);
}
