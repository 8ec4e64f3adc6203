import type { Principal } from './acl.ts';

/** The minimum of an Aedes client the registry needs (kept structural so it is testable without Aedes). */
export interface SessionClient {
  readonly id: string;
  readonly closed: boolean;
  readonly connected: boolean;
}

export interface SessionInfo {
  principal: Principal;
  username: string;
}

/**
 * Who is behind each broker connection, and which connections each device has.
 * A device normally has one client (its clientId is its deviceId); for a
 * moment during a session takeover [MQTT-3.1.4-2] it has two: the old one
 * being closed and the new one that has authenticated but is not registered
 * yet. Presence decisions look at the other clients of the same device.
 */
export class SessionRegistry<C extends SessionClient> {
  private readonly info = new WeakMap<C, SessionInfo>();
  private readonly byDevice = new Map<string, Set<C>>();

  /** Records an authenticated client. */
  add(client: C, s: SessionInfo): void {
    this.info.set(client, s);
    if (s.principal.type !== 'device') return;
    const id = s.principal.device.deviceId;
    let set = this.byDevice.get(id);
    if (!set) this.byDevice.set(id, (set = new Set()));
    set.add(client);
  }

  get(client: C): SessionInfo | undefined {
    return this.info.get(client);
  }

  /** Forgets the client's device membership (idempotent); its principal stays readable. */
  forget(client: C): void {
    const p = this.info.get(client)?.principal;
    if (p?.type !== 'device') return;
    const set = this.byDevice.get(p.device.deviceId);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) this.byDevice.delete(p.device.deviceId);
  }

  /** True while the client is counted among its device's clients (until `forget`). */
  isMember(client: C): boolean {
    const p = this.info.get(client)?.principal;
    return p?.type === 'device' && (this.byDevice.get(p.device.deviceId)?.has(client) ?? false);
  }

  /** True when the device has another client that is not closing: `client` has been superseded. */
  hasOtherLive(deviceId: string, client: C): boolean {
    for (const c of this.byDevice.get(deviceId) ?? []) if (c !== client && !c.closed) return true;
    return false;
  }

  /** The device's clients that are not closed yet. */
  clientsOf(deviceId: string): C[] {
    return [...(this.byDevice.get(deviceId) ?? [])].filter((c) => !c.closed);
  }

  /** Devices with at least one connected client. */
  connectedDevices(): number {
    let n = 0;
    for (const set of this.byDevice.values()) {
      for (const c of set)
        if (c.connected && !c.closed) {
          n++;
          break;
        }
    }
    return n;
  }
}
