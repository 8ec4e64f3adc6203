import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket, type PublishPacket } from 'aedes';
import type pino from 'pino';
import { HallError, type ErrorCode } from '../contracts/errors.ts';
import { parseTopic, topics } from '../contracts/mqtt-topics.ts';
import { canPublish, canSubscribe, deviceAddress, isOwnStateTopic, type Principal } from './acl.ts';
import { deviceErrorPacket } from './device-error.ts';
import { guardConnection, type PacketViolation } from './packet-size-guard.ts';
import { SessionRegistry } from './sessions.ts';

/**
 * The embedded MQTT broker: Aedes behind a `net` server (and a `tls` server
 * when `tls` is given), with device authentication, the topic ACL of
 * `acl.ts`, a maximum packet size and device presence on the retained
 * `state` topics. `disconnectDevice` closes a device's connections at once
 * (the server calls it when a device is revoked or its secret rotated).
 *
 * Presence rule (the ingest records online/offline from `halls/+/+/+/state`,
 * for this broker and external ones alike):
 * - `online` is the device's own business: it publishes a retained `online`
 *   on its state topic after connecting. The broker never touches it.
 * - `offline` is guaranteed by the broker. A device's will must be its own
 *   state topic and is normalised to a retained QoS 1 `offline`. When a
 *   device's connection ends and Aedes did not publish that will (clean
 *   DISCONNECT, which discards the will [MQTT-3.14.4-3], or no will at all),
 *   the broker publishes the same retained `offline` itself.
 * - Both are skipped when the device already has a newer connection (session
 *   takeover, [MQTT-3.1.4-2]), so a reconnect never leaves `offline` behind.
 */

/** A refusal with a reason of its own (e.g. a revoked device): CONNACK 5 "not authorized" instead of 4. */
export interface AuthRefusal {
  type: 'refused';
  code: ErrorCode;
  reason: string;
}

export interface BrokerAuth {
  /** The principal; `null` for bad credentials (CONNACK 4); an `AuthRefusal` for CONNACK 5. */
  authenticate(username: string, password: string, clientId: string): Promise<Principal | AuthRefusal | null>;
}

/** A TLS listener beside the plain one (PEM contents, not file names). */
export interface BrokerTls {
  port: number;
  host?: string;
  cert: string | Buffer;
  key: string | Buffer;
  ca?: string | Buffer;
}

export interface RefusedInfo {
  code: ErrorCode;
  clientId: string;
  username?: string;
  topic?: string;
  payload?: Buffer;
  principal?: Principal;
  reason: string;
}

export interface BrokerOptions {
  host: string;
  port: number;
  maxPacketBytes: number;
  auth: BrokerAuth;
  onRefused(info: RefusedInfo): void;
  logger: pino.Logger;
  drainTimeoutMs?: number;
  /** Also listen with TLS (minimum TLS 1.2) on `tls.port`; devices use `mqtts://`. */
  tls?: BrokerTls;
  /**
   * A device connected or published. Called at most once per `seenIntervalMs`
   * (default 60 s) per device, so it can write `last_seen_at` cheaply.
   */
  onDeviceSeen?(deviceId: string): void;
  seenIntervalMs?: number;
}

export interface RunningBroker {
  port: number;
  /** Port of the TLS listener, or null when there is none. */
  tlsPort: number | null;
  aedes: Aedes;
  connectedDevices(): number;
  disconnectDevice(deviceId: string): number;
  close(): Promise<void>;
}

/** Keep alive above this (or 0) is refused, so a dead device is noticed within 1.5 × 600 s [MQTT-3.1.2-24]. */
export const KEEPALIVE_LIMIT_S = 600;

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (Aedes' AuthErrorCode is an ambient const enum). */
const RC = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

type Will = NonNullable<ConnectPacket['will']>;

/**
 * Starts the broker on `host:port` (port 0 picks a free one).
 * @example
 * const b = await createBroker({ host: '0.0.0.0', port: 1883, maxPacketBytes: 65536, auth, onRefused, logger });
 * // … later
 * await b.close();
 */
export async function createBroker(o: BrokerOptions): Promise<RunningBroker> {
  const log = o.logger.child({ module: 'broker' });
  const sessions = new SessionRegistry<Client>();
  /** The will of each CONNECT, by identity: Aedes later passes this same object to authorizePublish. */
  const wills = new WeakMap<Client, Will>();
  const willSent = new WeakSet<Client>();

  const refuse = (info: RefusedInfo): void => {
    // Never the password, never the payload (it may hold personal data).
    log.warn(
      { code: info.code, clientId: info.clientId, username: info.username, topic: info.topic, reason: info.reason },
      'mqtt refused',
    );
    try {
      o.onRefused(info);
    } catch (err) {
      log.error({ err }, 'onRefused threw');
    }
  };
  const authError = (returnCode: number, message: string): AuthenticateError =>
    Object.assign(new Error(message), { returnCode }) as AuthenticateError;
  /** Last time `onDeviceSeen` was called per device (ms, monotonic). */
  const lastSeen = new Map<string, number>();
  const seenInterval = o.seenIntervalMs ?? 60_000;
  const seen = (p: Principal): void => {
    if (p.type !== 'device' || !o.onDeviceSeen) return;
    const id = p.device.deviceId,
      now = performance.now(),
      last = lastSeen.get(id);
    if (last !== undefined && now - last < seenInterval) return;
    lastSeen.set(id, now);
    try {
      o.onDeviceSeen(id);
    } catch (err) {
      log.error({ err }, 'onDeviceSeen threw');
    }
  };

  const aedes: Aedes = await Aedes.createBroker({
    drainTimeout: o.drainTimeoutMs ?? 10_000,
    connectTimeout: 10_000,
    keepaliveLimit: KEEPALIVE_LIMIT_S,
    maxClientsIdLength: 64,
    queueLimit: 32,

    preConnect(client, packet, done) {
      if (packet.will) wills.set(client, packet.will);
      // Aedes refuses these itself (CONNACK 6, which MQTT 3.1.1 leaves
      // reserved but has no better code for); report them like any refusal.
      if (!packet.keepalive || packet.keepalive > KEEPALIVE_LIMIT_S) {
        refuse({
          code: 'HALL_ERR_BAD_REQUEST',
          clientId: packet.clientId,
          ...(packet.username === undefined ? {} : { username: packet.username }),
          reason: `keep alive ${packet.keepalive ?? 0} s is outside 1..${KEEPALIVE_LIMIT_S} s`,
        });
      }
      done(null, true);
    },

    authenticate(client, username, password, done) {
      const clientId = client.id;
      const deny = (rc: number, code: ErrorCode, reason: string, extra: Partial<RefusedInfo> = {}): void => {
        refuse({ code, clientId, ...(username === undefined ? {} : { username }), reason, ...extra });
        done(authError(rc, reason), null);
      };
      if (username === undefined || password === undefined) {
        deny(RC.badCredentials, 'HALL_ERR_UNKNOWN_DEVICE', 'no username or password');
        return;
      }
      o.auth
        .authenticate(username, password.toString('utf8'), clientId)
        .then(
          (principal) => {
            if (!principal) return deny(RC.badCredentials, 'HALL_ERR_UNKNOWN_DEVICE', 'bad username or password');
            if (principal.type === 'refused') return deny(RC.notAuthorized, principal.code, principal.reason);
            if (principal.type === 'device') {
              if (!deviceAddress(principal))
                return deny(RC.notAuthorized, 'HALL_ERR_UNKNOWN_DEVICE', 'device ids are not valid topic levels', {
                  principal,
                });
              // One device = one client id = one session, so sessions are stable
              // and a second connection takes the first one over [MQTT-3.1.4-2].
              if (clientId !== principal.device.deviceId) {
                return deny(RC.identifierRejected, 'HALL_ERR_UNKNOWN_DEVICE', 'clientId must equal the deviceId', {
                  principal,
                });
              }
              const will = wills.get(client);
              if (will) {
                if (!isOwnStateTopic(principal, will.topic)) {
                  return deny(
                    RC.notAuthorized,
                    'HALL_ERR_TOPIC_FORBIDDEN',
                    "the will must be on the device's own state topic",
                    { principal, topic: will.topic },
                  );
                }
                // Whatever the device asked for, its will is a retained `offline`.
                Object.assign(will, { payload: Buffer.from('offline'), retain: true, qos: Math.max(will.qos ?? 0, 1) });
              }
            }
            if (client.closed) return done(authError(RC.serverUnavailable, 'connection closed'), null);
            sessions.add(client, { principal, username });
            seen(principal);
            done(null, true);
          },
          (err: unknown) => {
            log.error({ err, clientId }, 'mqtt authentication source failed');
            deny(RC.serverUnavailable, 'HALL_ERR_UNAVAILABLE', 'authentication source failed');
          },
        )
        .catch((err: unknown) => log.error({ err, clientId }, 'mqtt authenticate hook failed'));
    },

    authorizePublish(client, packet, done) {
      if (client === null) {
        // Broker-internal: the will of a session whose connection is gone
        // (persisted wills). Only presence may be published that way.
        done(parseTopic(packet.topic)?.dir === 'state' ? null : new Error('internal publish outside state topics'));
        return;
      }
      const s = sessions.get(client);
      if (!s) return done(new Error('not authenticated'));
      const p = s.principal;
      if (p.type === 'device' && wills.get(client) === packet) {
        // The will is firing; authenticate checked its topic already.
        if (!isOwnStateTopic(p, packet.topic)) return done(new Error('will outside the own state topic'));
        if (sessions.hasOtherLive(p.device.deviceId, client)) return done(new Error('superseded by a newer session'));
        willSent.add(client);
        return done(null);
      }
      if (canPublish(p, packet.topic)) {
        seen(p);
        return done(null);
      }

      const reason = `may not publish on ${packet.topic}`;
      refuse({
        code: 'HALL_ERR_TOPIC_FORBIDDEN',
        clientId: client.id,
        username: s.username,
        topic: packet.topic,
        payload: Buffer.from(packet.payload),
        principal: p,
        reason,
      });
      const err = new HallError('HALL_ERR_TOPIC_FORBIDDEN', `device ${reason}`, { topic: packet.topic });
      const own = p.type === 'device' ? deviceAddress(p) : null;
      if (!own) return done(err);
      // Tell the device why, then deny: Aedes closes the connection, which
      // MQTT 3.1.1 allows for an unauthorised PUBLISH [MQTT-3.3.5-2] (it has
      // no negative PUBACK). QoS 1 keeps the error for a persistent session.
      aedes.publish(deviceErrorPacket(own, err.code, err.message, err.details), (pubErr) => {
        if (pubErr) log.warn({ err: pubErr, clientId: client.id }, 'could not publish down/error');
        done(err);
      });
    },

    authorizeSubscribe(client, sub, done) {
      const s = sessions.get(client);
      if (s && canSubscribe(s.principal, sub.topic)) return done(null, sub);
      refuse({
        code: 'HALL_ERR_TOPIC_FORBIDDEN',
        clientId: client.id,
        topic: sub.topic,
        ...(s ? { username: s.username, principal: s.principal } : {}),
        reason: `may not subscribe to ${sub.topic}`,
      });
      // A null subscription makes Aedes answer 0x80 (Failure) for this filter
      // in the SUBACK [MQTT-3.9.3] and keep the connection.
      done(null, null);
    },
  });

  /**
   * A device's connection has ended: publish its retained `offline` unless
   * its will said so already or a newer connection of it exists (see the
   * presence rule at the top).
   */
  const settlePresence = (client: Client): void => {
    const s = sessions.get(client);
    const p = s?.principal;
    if (p?.type !== 'device' || !sessions.isMember(client)) return;
    const superseded = sessions.hasOtherLive(p.device.deviceId, client);
    sessions.forget(client);
    if (superseded || willSent.has(client) || aedes.closed) return;
    const own = deviceAddress(p);
    if (!own) return;
    const offline: PublishPacket = {
      cmd: 'publish',
      topic: topics.state(own),
      payload: Buffer.from('offline'),
      qos: 1,
      retain: true,
      dup: false,
    };
    aedes.publish(offline, (err) => {
      if (err) log.warn({ err, clientId: client.id }, 'could not publish offline');
    });
  };
  /** Clients Aedes registered; only those get a 'clientDisconnect'. */
  const registered = new WeakSet<Client>();
  aedes.on('client', (client) => registered.add(client));
  aedes.on('clientDisconnect', settlePresence);
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));

  const sockets = new Set<net.Socket>();
  /** One connection, plain or TLS: packet-size guard in front of Aedes. */
  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    // Assigned once aedes.handle() returns; the guard may report before that.
    // eslint-disable-next-line prefer-const
    let client: Client | undefined;
    const onViolation = (v: PacketViolation): void => {
      const s = client ? sessions.get(client) : undefined;
      refuse({
        code: v.reason === 'too-large' ? 'HALL_ERR_PAYLOAD_TOO_LARGE' : 'HALL_ERR_BAD_REQUEST',
        clientId: client?.id ?? '',
        ...(s ? { username: s.username, principal: s.principal } : {}),
        reason:
          v.reason === 'too-large'
            ? `packet of ${v.declaredSize} bytes exceeds ${o.maxPacketBytes} (from ${v.remoteAddress})`
            : `malformed remaining length (from ${v.remoteAddress})`,
      });
    };
    const conn = guardConnection(socket, { maxPacketBytes: o.maxPacketBytes, onViolation });
    const c = aedes.handle(conn);
    client = c;
    // A device that authenticated but whose connection ended before Aedes
    // registered it gets no 'clientDisconnect'; settle its presence here.
    conn.once('close', () => {
      if (!registered.has(c)) settlePresence(c);
      sessions.forget(c);
    });
  };
  const server = net.createServer(onConnection);
  // TLS 1.2+ only (GB/T 22239-2019 8.1.2.2 communication confidentiality).
  // A client speaking plain MQTT to this port fails the handshake and is cut.
  const tlsServer = o.tls
    ? tls.createServer(
        {
          cert: o.tls.cert,
          key: o.tls.key,
          ...(o.tls.ca ? { ca: o.tls.ca } : {}),
          minVersion: 'TLSv1.2',
          handshakeTimeout: 10_000,
        },
        onConnection,
      )
    : null;
  // Sockets still in the TLS handshake are not Aedes clients yet; close() must end them too.
  tlsServer?.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  tlsServer?.on('tlsClientError', (err, socket) => {
    log.debug({ err: err.message, from: socket.remoteAddress }, 'mqtt tls handshake failed');
    socket.destroy();
  });

  try {
    await listen(server, o.port, o.host);
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    const e = err as NodeJS.ErrnoException;
    throw e.code === 'EADDRINUSE'
      ? new HallError(
          'HALL_ERR_UNAVAILABLE',
          `MQTT_PORT ${o.port} is in use on ${o.host}: set MQTT_PORT to a free port, or MQTT_URL to use an external broker`,
        )
      : new HallError(
          'HALL_ERR_UNAVAILABLE',
          `the MQTT broker cannot listen on ${o.host}:${o.port} (${e.message}): set MQTT_PORT, or MQTT_URL to use an external broker`,
        );
  }
  server.on('error', (err) => log.error({ err }, 'mqtt listener error'));
  const port = (server.address() as net.AddressInfo).port;
  let tlsPort: number | null = null;
  if (tlsServer && o.tls) {
    const tlsHost = o.tls.host ?? o.host;
    try {
      await listen(tlsServer, o.tls.port, tlsHost);
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      const e = err as NodeJS.ErrnoException;
      throw new HallError(
        'HALL_ERR_UNAVAILABLE',
        e.code === 'EADDRINUSE'
          ? `MQTT_TLS_PORT ${o.tls.port} is in use on ${tlsHost}: set MQTT_TLS_PORT to a free port`
          : `the MQTT TLS listener cannot listen on ${tlsHost}:${o.tls.port} (${e.message}): set MQTT_TLS_PORT`,
      );
    }
    tlsServer.on('error', (err) => log.error({ err }, 'mqtt tls listener error'));
    tlsPort = (tlsServer.address() as net.AddressInfo).port;
  }
  log.info({ host: o.host, port, tlsPort, maxPacketBytes: o.maxPacketBytes }, 'mqtt broker listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    tlsPort,
    aedes,
    connectedDevices: () => sessions.connectedDevices(),
    disconnectDevice(deviceId) {
      const clients = sessions.clientsOf(deviceId);
      for (const c of clients) c.close();
      if (clients.length > 0) log.info({ deviceId, clients: clients.length }, 'mqtt device disconnected');
      return clients.length;
    },
    close() {
      closing ??= (async () => {
        const stopped = Promise.all(
          [server, ...(tlsServer ? [tlsServer] : [])].map(
            (srv) => new Promise<void>((resolve) => srv.close(() => resolve())),
          ),
        );
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        // Connections that never sent CONNECT are not Aedes clients yet.
        for (const s of sockets) s.destroy();
        await stopped;
        log.info('mqtt broker closed');
      })();
      return closing;
    },
  };
}

function listen(server: net.Server | tls.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
