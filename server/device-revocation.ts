import type { RunningBroker } from '../broker/create-broker.ts';
import { listenDeviceRevocations } from './store/device-revocations.ts';
import type { DeviceRevocationNotice } from './store/devices-repo.ts';
import type { Db } from './store/pool.ts';
import type { Logger } from './logger.ts';

/**
 * What this process does when a device is revoked or its secret rotated
 * (docs/operations.md "Devices"), whichever process made the change:
 *
 * - embedded broker: the device's live connection is closed at once, so a
 *   revoked device is cut off and a rotated one must reconnect with its new
 *   secret (its old secret no longer authenticates);
 * - external broker (MQTT_URL): new connections are refused by the auth
 *   webhook already; a live connection is kicked only through the broker's
 *   own API, via `BROKER_KICK_URL` when it is set (EMQX:
 *   `DELETE /api/v5/clients/{clientid}`), else it stays until it reconnects.
 *
 * `changedSince` closes a small race: an authentication whose database read
 * began before the commit but whose answer arrives after the notice would
 * otherwise let the old secret in once more.
 */
export interface DeviceRevocation {
  /** True when a notice for the device arrived after `startedAt` (a `performance.now()` value). */
  changedSince(deviceId: string, startedAt: number): boolean;
  close(): Promise<void>;
}

export interface DeviceRevocationOptions {
  db: Db;
  broker: RunningBroker | null;
  /** `BROKER_KICK_URL`, used only without an embedded broker. */
  kickUrl?: string | undefined;
  logger: Logger;
  fetchImpl?: typeof fetch;
}

/** Notices are remembered this long for `changedSince` (an authentication takes milliseconds). */
const RECENT_MS = 30_000;

export async function startDeviceRevocation(o: DeviceRevocationOptions): Promise<DeviceRevocation> {
  const log = o.logger.child({ module: 'device-revocation' });
  const recent = new Map<string, number>();
  const onNotice = (n: DeviceRevocationNotice): void => {
    const now = performance.now();
    recent.set(n.deviceId, now);
    for (const [id, at] of recent) if (now - at > RECENT_MS) recent.delete(id);
    if (o.broker) {
      const closed = o.broker.disconnectDevice(n.deviceId);
      log.info({ deviceId: n.deviceId, reason: n.reason, closed }, 'device credentials ended; live connections closed');
    } else if (o.kickUrl) {
      kickExternalClient(o.kickUrl, n.deviceId, o.fetchImpl).then(
        (status) =>
          log.info(
            { deviceId: n.deviceId, reason: n.reason, status },
            'device credentials ended; external broker asked to kick the client',
          ),
        (err: unknown) =>
          log.error(
            { err, deviceId: n.deviceId },
            'BROKER_KICK_URL call failed; the device stays connected until it reconnects',
          ),
      );
    } else {
      log.warn(
        { deviceId: n.deviceId, reason: n.reason },
        'device credentials ended; the external broker keeps a live connection until it reconnects (set BROKER_KICK_URL)',
      );
    }
  };
  const listener = await listenDeviceRevocations(o.db, { onNotice, log });
  return {
    changedSince(deviceId, startedAt) {
      const at = recent.get(deviceId);
      return at !== undefined && at >= startedAt;
    },
    close: () => listener.close(),
  };
}

/**
 * Asks an external broker to disconnect a client: `DELETE` on `urlTemplate`
 * with `{clientid}` replaced (a device's client id is its device id). User
 * and password in the URL become HTTP Basic authentication (EMQX API key and
 * secret). 2xx and 404 (not connected) count as done.
 * @example await kickExternalClient('http://key:secret@emqx:18083/api/v5/clients/{clientid}', 'tk-1')
 */
export async function kickExternalClient(
  urlTemplate: string,
  clientId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const url = new URL(
    urlTemplate
      .replaceAll('{clientid}', encodeURIComponent(clientId))
      .replaceAll('%7Bclientid%7D', encodeURIComponent(clientId)),
  );
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const res = await fetchImpl(url, { method: 'DELETE', headers, signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok && res.status !== 404) throw new Error(`${url.origin}${url.pathname} answered ${res.status}`);
  return res.status;
}
