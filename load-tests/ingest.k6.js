/*
 * k6 load test for the HTTP side of the hall control center: staff log in,
 * list their halls and read hall snapshots, at a given number of virtual users.
 * The whole working-morning mix (walls over Socket.IO, consoles, citizens,
 * leaders) with seed 001's thresholds is load-tests/mix.k6.js; the Node-only
 * suite that holds tens of thousands of sockets is `npm run load`
 * (load-tests/README.md).
 *
 * k6 is a Go binary, not an npm package (the npm package "k6" is only a stub
 * for editor completion), and Debian has no k6 package. Install it from
 * https://grafana.com/docs/k6/latest/set-up/install-k6/ (e.g. the k6 apt
 * repository, the release tarball, or the grafana/k6 container image).
 *
 * Run against a running server (npm start, or the docker image):
 *   k6 run -e BASE=http://localhost:8080 load-tests/ingest.k6.js
 *   k6 run -e BASE=http://localhost:8080 -e VUS=200 -e DURATION=2m -e HALL_USER=leader -e HALL_PASSWORD='Demo#2026' load-tests/ingest.k6.js
 *
 * Environment (k6 -e): BASE (http://localhost:8080), VUS (50), DURATION (1m),
 * HALL_USER (leader: sees every hall; administrators need a TOTP code,
 * docs/authentication.md), HALL_PASSWORD (the demo password), THINK_MS (pause
 * between iterations, 1000), HALL (read only this hall instead of all the
 * visible ones). Not USER/PASSWORD: k6 also passes the shell's environment,
 * where USER is the login name.
 *
 * The MQTT side (ticket machines → ingest → Socket.IO screens) is driven by
 * `npm run bench:ingest` (bench/ingest.ts), which starts the real stack and
 * measures publish → reply → hall delta latency; see docs/benchmarks.md.
 *
 * This script talks to the server only over HTTP and imports nothing from the
 * server code (docs/architecture.md import rules for load-tests/).
 */
import http from 'k6/http';
import { check, sleep, fail } from 'k6';
import { Trend, Rate } from 'k6/metrics';

const BASE = (__ENV.BASE || 'http://localhost:8080').replace(/\/$/, '');
const USER = __ENV.HALL_USER || 'leader';
const PASSWORD = __ENV.HALL_PASSWORD || 'Demo#2026';
const THINK_MS = Number(__ENV.THINK_MS || 1000);

export const options = {
  scenarios: {
    screens: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS || 50),
      duration: __ENV.DURATION || '1m',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:halls}': ['p(99)<200'],
    'http_req_duration{name:snapshot}': ['p(99)<300'],
  },
};

const snapshotDuration = new Trend('hall_snapshot_ms', true);
const snapshotOk = new Rate('hall_snapshot_ok');

/** One login for the whole test (argon2id makes logins deliberately slow); every VU reuses the token. */
export function setup() {
  const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ username: USER, password: PASSWORD }), {
    headers: { 'content-type': 'application/json' },
    tags: { name: 'login' },
  });
  if (!check(res, { 'login 200': (r) => r.status === 200 })) fail(`login failed: ${res.status} ${res.body}`);
  return { token: res.json('token') };
}

export default function (data) {
  const params = (name) => ({ headers: { authorization: `Bearer ${data.token}` }, tags: { name } });

  const list = http.get(`${BASE}/api/halls`, params('halls'));
  check(list, { 'halls 200': (r) => r.status === 200 });
  const halls = __ENV.HALL ? [__ENV.HALL] : list.status === 200 ? list.json('halls').map((h) => h.id) : [];
  if (halls.length === 0) {
    sleep(THINK_MS / 1000);
    return;
  }

  // Each iteration reads one hall, rotating through the visible ones.
  const hallId = halls[(__VU + __ITER) % halls.length];
  const snap = http.get(`${BASE}/api/halls/${encodeURIComponent(hallId)}/snapshot`, params('snapshot'));
  const ok = check(snap, {
    'snapshot 200': (r) => r.status === 200,
    'snapshot has seq': (r) => r.status === 200 && typeof r.json('seq') === 'number',
  });
  snapshotOk.add(ok);
  snapshotDuration.add(snap.timings.duration);

  sleep(THINK_MS / 1000);
}
