import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Config, DemoPace, DomainEvent, SimFile } from '../contracts/index.ts';
import { simFileSchema } from '../contracts/index.ts';
import { createBroker, type RunningBroker } from '../broker/create-broker.ts';
import { startIngest, type Ingest } from './mqtt/ingest.ts';
import { createAnalytics, type Analytics } from '../analytics/clickhouse.ts';
import { createOutboxRelay, type OutboxRelay } from './outbound/outbox-relay.ts';
import { seedDemoHistory } from './commands/demo-history.ts';
import { startSimulator, type RunningSim } from '../device-sim/simulator.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createPool, type Db } from './store/pool.ts';
import { migrate } from './store/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './store/embedded-pg.ts';
import { seedDemoCity } from './store/seed-demo.ts';
import { listHalls } from './store/halls-repo.ts';
import { checkDevice } from './commands/device-authentication.ts';
import { markDeviceSeen } from './store/devices-repo.ts';
import { startDeviceRevocation } from './device-revocation.ts';
import { loadTlsMaterial, TLS_MIN_VERSION } from './security/tls.ts';
import { recordDeadLetter } from './store/dead-letters-repo.ts';
import { pruneInbox } from './store/inbox-repo.ts';
import { loadPiiKeys } from './security/keys.ts';
import { createPiiCipher } from './security/pii.ts';
import { createHttpApp } from './http/http-app.ts';
import { createReadModels } from './queries/read-models.ts';
import { createSessionCache, type SessionCache } from './queries/session-cache.ts';
import { createHallViews } from './queries/hall-views.ts';
import { createHallDirectory } from './queries/hall-directory.ts';
import { listenHallFeed } from './store/hall-feed.ts';
import { startSessionInvalidation } from './session-invalidation.ts';
import { createRealtime } from './realtime/socket-server.ts';
import { attachRedisAdapter } from './realtime/redis-adapter.ts';
import { queueEffects } from './realtime/queue-effects.ts';
import type { HallIo } from './realtime/socket-server.ts';
import { createQueueService, type QueueService } from './commands/queue-service.ts';

/** What the owner process started, for the other processes of one box (server/cluster, docs/scaling.md). */
export interface OwnerInfo {
  databaseUrl: string;
  mqttUrl: string;
  mqttUsername: string;
  mqttPassword: string;
  demo: { halls: string[]; pace: DemoPace } | null;
}

/** The IPC channel to the cluster primary (process.send / process.on('message')). */
export interface ClusterChannel {
  send(m: unknown): unknown;
  on(ev: 'message', fn: (m: unknown) => void): unknown;
}

export interface AppOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /**
   * One of several processes sharing HTTP_PORT (WORKERS, docs/scaling.md). The owner runs what must
   * have one owner — embedded PostgreSQL, migrations, the embedded broker and the device ingest,
   * chDB and the relay, the simulator, housekeeping — and serves HTTP and sockets like the rest; a
   * web process serves HTTP and sockets only, on the owner's database and broker, and reads
   * ClickHouse through the owner. All listen on HTTP_PORT (the cluster shares it); Socket.IO is
   * WebSocket-only, so no request needs a particular process.
   */
  cluster?: { role: 'owner' } | { role: 'web'; owner: OwnerInfo; channel: ClusterChannel };
  /** For the owner: where the other processes' ClickHouse reads arrive. */
  ownerChannel?: ClusterChannel;
}
export interface App {
  config: Config;
  httpPort: number;
  /** The URL devices and the server's own client use. */
  mqttUrl: string;
  db: Db;
  metrics: Metrics;
  /** Session look-ups from memory, kept true by NOTIFY session_changed (docs/authentication.md "Sessions"). */
  sessions: SessionCache;
  /** Queue operations (001 §1.1.1.15–16): the same service the caller devices and the console use. */
  queue: QueueService;
  analytics: Analytics;
  /** Outbox → ClickHouse (docs/analytics.md "Loading"): runs every RELAY_INTERVAL_MS by itself; `drain()` sends everything now. */
  relay: OutboxRelay;
  broker: RunningBroker | null;
  /** Closes sockets whose session ended (runs every minute by itself); returns how many. */
  sweepSocketSessions(): Promise<number>;
  /** The Socket.IO server (the cluster wiring hands it connections). */
  io: HallIo;
  /** Set in an owner process: what the other processes need from it. */
  ownerInfo: OwnerInfo | null;
  /** Deletes inbox rows past INBOX_RETENTION_HOURS (runs every 10 minutes by itself); returns how many. */
  pruneInbox(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Wires the product (DESIGN.md "One picture"): PostgreSQL (embedded unless
 * DATABASE_URL), ClickHouse (chDB unless CLICKHOUSE_URL), the MQTT broker
 * (Aedes unless MQTT_URL), the ingest, HTTP + Socket.IO and, when SIM=on, the
 * device simulator. The only caller that reads the environment is main.ts.
 */
export async function createApplication(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse())
      await c().catch((e: unknown) => logger.error({ err: e }, 'close step failed'));
  };
  let ready = false;

  try {
    await mkdir(path.resolve(config.DATA_DIR), { recursive: true });
    // TLS files are checked before anything starts: a missing or unreadable one is HALL_ERR_CONFIG naming the variable.
    const tlsMaterial = await loadTlsMaterial(config);
    if (tlsMaterial)
      logger.info(
        { subject: tlsMaterial.subject, notAfter: tlsMaterial.notAfter.toISOString(), https: config.HTTPS },
        'tls certificate loaded',
      );
    if (tlsMaterial && tlsMaterial.notAfter.getTime() - clock.now().getTime() < 30 * 86_400_000)
      logger.warn({ notAfter: tlsMaterial.notAfter.toISOString() }, 'TLS certificate expires within 30 days');
    const pii = createPiiCipher(await loadPiiKeys(config));
    // Last to run on close: overwrite the key bytes (residual information, docs/personal-data.md).
    closers.push(async () => pii.wipe());

    // ── PostgreSQL ──
    const web = opts.cluster?.role === 'web' ? opts.cluster : null;
    let dbUrl = web ? web.owner.databaseUrl : config.DATABASE_URL;
    let embedded: EmbeddedPg | null = null;
    if (!dbUrl) {
      embedded = await startEmbeddedPostgres(config.DATA_DIR, (m) => logger.warn({ pg: m }, 'embedded postgres'));
      closers.push(() => embedded!.stop());
      dbUrl = embedded.url;
    }
    const db = createPool(dbUrl, config.PG_POOL_MAX);
    closers.push(() => db.end());
    // A web process finds the schema and the seed in place: the owner started first and did them.
    if (!web) {
      const mig = await migrate(db);
      logger.info({ applied: mig.applied, timescale: mig.timescale, embedded: !!embedded }, 'database ready');
    }
    if (config.SEED === 'demo' && !web) {
      const seed = await seedDemoCity(db);
      if (seed.seeded)
        await writeSimFile(config.DATA_DIR, {
          devices: seed.simDevices,
          items: itemsByHall(await listHalls(db, { kind: 'all' })),
          callers: seed.simCallers,
        });
    }

    const queue = createQueueService({ db, clock, tz: config.HALL_TZ });

    // ── ClickHouse ──
    const analytics = await createAnalytics({
      url: config.CLICKHOUSE_URL,
      dataDir: config.DATA_DIR,
      tz: config.HALL_TZ,
      ...(web ? { viaOwner: web.channel } : {}),
    });
    closers.push(() => analytics.close());
    if (opts.ownerChannel) analytics.serveOthers(opts.ownerChannel);
    // Outbox → ClickHouse (ADR 0008); stopped before ClickHouse and PostgreSQL close.
    const relay = createOutboxRelay({
      db,
      client: analytics.client,
      logger,
      batchMax: config.RELAY_BATCH_MAX,
      intervalMs: config.RELAY_INTERVAL_MS,
      retentionDays: config.OUTBOX_RETENTION_DAYS,
      onBatch(n) {
        metrics.relayEvents.inc(n);
        relay.lag().then(
          (l) => metrics.relayLag.set(l.events),
          () => undefined,
        );
      },
      onError() {
        metrics.relayErrors.inc();
      },
    });
    closers.push(() => relay.stop());

    // ── MQTT broker ──
    let broker: RunningBroker | null = null;
    let mqttUrl: string;
    let serverCreds: { username: string; password: string };
    let revocation: Awaited<ReturnType<typeof startDeviceRevocation>> | null = null;
    if (web) {
      // The owner's broker, with the owner's server login (it never leaves the box: IPC, not the environment).
      mqttUrl = web.owner.mqttUrl;
      serverCreds = { username: web.owner.mqttUsername, password: web.owner.mqttPassword };
    } else if (config.MQTT_URL) {
      mqttUrl = config.MQTT_URL;
      serverCreds = { username: config.MQTT_USERNAME ?? '', password: config.MQTT_PASSWORD ?? '' };
    } else {
      // The server's own client logs in with a secret that lives only in this process.
      serverCreds = {
        username: `hall-server-${randomBytes(4).toString('hex')}`,
        password: randomBytes(24).toString('base64url'),
      };
      broker = await createBroker({
        host: config.MQTT_HOST,
        port: config.MQTT_PORT,
        maxPacketBytes: config.MAX_PACKET_BYTES,
        logger,
        auth: {
          async authenticate(username, password) {
            if (username === serverCreds.username) return password === serverCreds.password ? { type: 'server' } : null;
            const startedAt = performance.now();
            const d = await checkDevice(db, username, password);
            if (d.status === 'revoked')
              return { type: 'refused', code: 'HALL_ERR_DEVICE_REVOKED', reason: 'the device is revoked' };
            // A revoke/rotate committed while this check was reading: the answer may be stale.
            if (d.status !== 'ok' || revocation?.changedSince(d.device.deviceId, startedAt)) return null;
            return { type: 'device', device: d.device };
          },
        },
        ...(tlsMaterial
          ? {
              tls: {
                port: config.MQTT_TLS_PORT,
                cert: tlsMaterial.cert,
                key: tlsMaterial.key,
                ...(tlsMaterial.ca ? { ca: tlsMaterial.ca } : {}),
              },
            }
          : {}),
        onDeviceSeen(deviceId) {
          markDeviceSeen(db, deviceId, clock.now()).catch((err: unknown) =>
            logger.warn({ err, deviceId }, 'could not mark device seen'),
          );
        },
        onRefused(info) {
          metrics.refused.inc({ source: 'broker', code: info.code });
          void recordDeadLetter(db, {
            source: 'broker',
            code: info.code,
            deviceId: info.principal?.type === 'device' ? info.principal.device.deviceId : info.username,
            topic: info.topic,
            detail: info.reason,
            payload: info.payload,
          });
        },
      });
      closers.push(() => broker!.close());
      mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
    }
    // Revoke/rotate (REST or CLI, any process) → NOTIFY device_revoked → this process closes the device's connection.
    revocation = await startDeviceRevocation({ db, broker, kickUrl: config.BROKER_KICK_URL, logger });
    closers.push(() => revocation!.close());
    // Session look-ups from memory; any process's change → NOTIFY session_changed → dropped here.
    const sessions = createSessionCache({ db, count: (result) => metrics.sessionLookups.inc({ result }) });
    // Set once Socket.IO runs (below): a notice also closes the session's open sockets at once.
    let socketsOfSession: (key: string) => void = () => undefined;
    const sessionInvalidation = await startSessionInvalidation({
      db,
      cache: sessions,
      logger,
      onNotice: (key) => socketsOfSession(key),
    });
    closers.push(() => sessionInvalidation.close());
    // Hall snapshots from memory, fed by every process's commits through NOTIFY hall_feed (migration 016).
    // Set once the simulator runs (below): the walls of the halls it drives show its pace.
    let simulated: { halls: ReadonlySet<string>; pace: DemoPace } | null = null;
    let watched: (hallId: string) => boolean = () => false;
    const halls = createHallDirectory({ db });
    const views = createHallViews({
      db,
      clock,
      tz: config.HALL_TZ,
      demoPaceOf: (hallId) => (simulated?.halls.has(hallId) ? simulated.pace : undefined),
      isWatched: (hallId) => watched(hallId),
      count: (result) => metrics.hallViews.inc({ result }),
      warn: (obj, msg) => logger.warn(obj, msg),
    });
    closers.push(async () => views.close());
    const hallFeed = await listenHallFeed(db, {
      onNotice: (n) => {
        if (n.kind === 'changed' && n.table === 'halls') halls.invalidate();
        queue.hallChanged(n.kind === 'event' ? n.event.hallId : n.hallId);
        views.notice(n);
      },
      onListening: (reconnect) => {
        queue.feedLive(true);
        if (reconnect) {
          halls.invalidate();
          views.feedResumed();
        }
      },
      onLost: () => queue.feedLive(false),
      log: logger.child({ module: 'hall-feed' }),
    });
    closers.push(() => hallFeed.close());
    const client = await connectServerClient(mqttUrl, serverCreds, !!config.MQTT_URL);
    if (web?.owner.demo) simulated = { halls: new Set(web.owner.demo.halls), pace: web.owner.demo.pace };
    closers.push(() => client.endAsync());

    // ── HTTP + Socket.IO ── Express must be the server's request listener before Socket.IO
    // attaches: Socket.IO wraps the existing listeners and keeps /socket.io/ (polling) for itself.
    const serve = (handler: ReturnType<typeof createHttpApp>): HttpServer =>
      tlsMaterial && config.HTTPS === 'on'
        ? // HTTPS=on: HTTPS and Socket.IO over WSS on HTTP_PORT.
          createHttpsServer(
            {
              cert: tlsMaterial.cert,
              key: tlsMaterial.key,
              ...(tlsMaterial.ca ? { ca: tlsMaterial.ca } : {}),
              minVersion: TLS_MIN_VERSION,
            },
            handler,
          )
        : createServer(handler);
    const http: HttpServer = serve(
      createHttpApp({
        db,
        clock,
        config,
        logger,
        metrics,
        pii,
        queue,
        sessions,
        views,
        halls,
        readModels: createReadModels({
          db,
          analytics: analytics.client,
          clock,
          config,
          queue,
          logger,
          shareMs: config.READ_SHARE_MS,
          countShared: (result) => metrics.sharedReads.inc({ result }),
        }),
        readiness: async () => ({
          ready,
          db: await db.query('SELECT 1').then(
            () => true,
            () => false,
          ),
          mqtt: client.connected,
          clickhouse: await analytics.ping(),
        }),
      }),
    );
    const realtime = createRealtime(http, {
      db,
      sessions,
      clock,
      tz: config.HALL_TZ,
      metrics,
      logger,
      views,
      halls,
      // Polling would need every request of a Socket.IO session on one process (docs/scaling.md).
      websocketOnly: !!opts.cluster,
      limits: {
        admitPerSec: config.SOCKET_ADMIT_PER_SEC,
        maxLagMs: config.SOCKET_ADMIT_MAX_LAG_MS,
        socketsPerSession: config.SOCKETS_PER_SESSION,
        joinsPerSec: config.SOCKET_JOINS_PER_SEC,
      },
    });
    socketsOfSession = (key) => realtime.sessionChanged(key);
    watched = (hallId) => (realtime.io.of('/').adapter.rooms.get(`hall:${hallId}`)?.size ?? 0) > 0;
    if (config.REDIS_URL) closers.push(await attachRedisAdapter(realtime.io, config.REDIS_URL));
    queue.onCommitted(queueEffects({ mqtt: client, publish: (e) => realtime.publish(e), metrics }));
    // With WORKERS > 1 every worker listens on HTTP_PORT and the cluster primary shares the port.
    await new Promise<void>((resolve, reject) => {
      http.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new Error(`HTTP_PORT ${config.HTTP_PORT} is in use: set HTTP_PORT to a free port`)
            : e,
        ),
      );
      http.listen(config.HTTP_PORT, config.HTTP_HOST, resolve);
    });
    closers.push(
      () =>
        new Promise<void>((r) => {
          realtime.stop();
          void realtime.io.close(() => r());
          http.closeAllConnections?.();
        }),
    );
    const httpPort = (http.address() as { port: number }).port;

    // ── Ingest ── (last to close before the HTTP side: drain what was taken in). Devices talk to
    // the owner's broker; with several processes the owner takes their messages in.
    const ingest: Ingest | null = web
      ? null
      : await startIngest({
          mqtt: client,
          db,
          clock,
          tz: config.HALL_TZ,
          pii,
          metrics,
          logger,
          queue,
          shareGroup: config.MQTT_URL ? config.MQTT_SHARE_GROUP : undefined,
          maxPayloadBytes: undefined,
          onEvent(event: DomainEvent, receivedAt: number) {
            realtime.publish(event);
            metrics.mqttToSocket.observe((performance.now() - receivedAt) / 1000);
          },
        });
    if (ingest) closers.push(() => ingest.stop());

    // ── Simulator ──
    if (config.SIM === 'on' && !web) {
      const sim = await startSim(config, mqttUrl, logger, clock);
      if (sim) {
        closers.push(() => sim.running.stop());
        simulated = { halls: sim.halls, pace: config.DEMO_PACE };
      }
    }

    // ── Housekeeping ── the inbox only serves retries; keep it to its retention.
    const pruneInboxNow = async () => {
      const n = await pruneInbox(db, new Date(clock.now().getTime() - config.INBOX_RETENTION_HOURS * 3_600_000));
      if (n > 0) logger.info({ deleted: n, retentionHours: config.INBOX_RETENTION_HOURS }, 'inbox pruned');
      return n;
    };
    if (!web) {
      const pruneTimer = setInterval(() => {
        pruneInboxNow().catch((err: unknown) => logger.warn({ err }, 'inbox prune failed'));
      }, 10 * 60_000);
      pruneTimer.unref();
      closers.push(async () => clearInterval(pruneTimer));
    }

    if (config.RELAY_INTERVAL_MS > 0 && !web) relay.start();

    // ── Demo history ── a synthetic past for the leadership screens' trends, once, in the background.
    if (config.SEED === 'demo' && config.DEMO_HISTORY_DAYS > 0 && !web) {
      const history = seedDemoHistory(db, analytics.client, clock.now(), config.DEMO_HISTORY_DAYS)
        .then((n) => {
          if (n > 0)
            logger.info({ events: n, days: config.DEMO_HISTORY_DAYS }, 'synthetic demo history written to ClickHouse');
        })
        .catch((err: unknown) => logger.warn({ err }, 'demo history not written'));
      closers.push(() => history);
    }

    ready = true;
    logger.info(
      { httpPort, mqttUrl: config.MQTT_URL ? '(external)' : mqttUrl, clickhouse: analytics.mode },
      'hall control center started',
    );
    return {
      config,
      httpPort,
      mqttUrl,
      db,
      metrics,
      sessions,
      analytics,
      broker,
      queue,
      relay,
      sweepSocketSessions: () => realtime.sweepSessions(),
      io: realtime.io,
      ownerInfo:
        opts.cluster?.role === 'owner'
          ? {
              databaseUrl: dbUrl,
              mqttUrl,
              mqttUsername: serverCreds.username,
              mqttPassword: serverCreds.password,
              demo: simulated ? { halls: [...simulated.halls], pace: simulated.pace } : null,
            }
          : null,
      pruneInbox: pruneInboxNow,
      async close() {
        ready = false;
        await closeAll();
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function connectServerClient(
  url: string,
  creds: { username: string; password: string },
  external: boolean,
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `${creds.username || 'hall-server'}-${randomBytes(3).toString('hex')}`,
    ...(creds.username ? { username: creds.username, password: creds.password } : {}),
    // MQTT 5 on external brokers (response topic, correlation data, $share); Aedes 1.2 speaks 3.1.1.
    protocolVersion: external ? 5 : 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}

function itemsByHall(halls: { id: string; items: { code: string }[] }[]): Record<string, string[]> {
  return Object.fromEntries(halls.map((h) => [h.id, h.items.map((i) => i.code)]));
}

async function writeSimFile(dataDir: string, f: SimFile): Promise<void> {
  await writeFile(path.resolve(dataDir, 'sim-devices.json'), JSON.stringify(f, null, 1), { mode: 0o600 });
}

/**
 * The in-process simulator on the server's clock (an injected clock moves its hour of day too),
 * at DEMO_PACE. It never changes the halls' rules: the demo seed's queues already take tickets
 * 00:00–24:00 and its windows serve all day (seed-demo.ts), so the pace alone decides how busy
 * the demo is at night. Returns the halls it drives.
 */
async function startSim(
  config: Config,
  mqttUrl: string,
  logger: Logger,
  clock: Clock,
): Promise<{ running: RunningSim; halls: ReadonlySet<string> } | null> {
  const file = path.resolve(config.DATA_DIR, 'sim-devices.json');
  if (!existsSync(file)) {
    logger.warn(
      { file },
      'SIM=on but no simulator device file (it is written when the demo city is seeded); simulator not started',
    );
    return null;
  }
  const parsed = simFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const running = await startSimulator({
    mqttUrl,
    devices: parsed.devices,
    items: parsed.items,
    callers: parsed.callers,
    ratePerMin: config.SIM_RATE,
    pace: config.DEMO_PACE,
    now: () => clock.now(),
    log: (msg, extra) => logger.debug({ sim: extra }, msg),
  });
  logger.info(
    { pace: config.DEMO_PACE, peakPerMin: config.SIM_RATE },
    config.DEMO_PACE === 'always'
      ? 'device simulator running at demo pace: arrivals ignore opening hours'
      : "device simulator following the halls' day",
  );
  return { running, halls: new Set(parsed.devices.map((d) => d.hallId)) };
}
