import { idSchema, deviceKindSchema, type DeviceKind } from '../contracts/ids.ts';
import { messageTypeSchema, parseTopic, topics, type DeviceAddress } from '../contracts/mqtt-topics.ts';
import { downMessages } from '../contracts/devices.ts';

/**
 * The topic ACL, the single source of who may publish and subscribe where.
 * Pure functions, no I/O: the embedded broker calls them from its Aedes hooks
 * and the server calls them to answer an external broker's auth webhooks, so
 * both brokers enforce exactly the same rules (DESIGN.md, MQTT conventions).
 *
 * Rules, deny by default:
 * - the server may publish anywhere except topics starting with `$` (reserved
 *   for the broker, MQTT 3.1.1 §4.7.2) and may subscribe to any valid filter
 *   except the protected `$SYS` tree (also not through `$share/{group}/` or
 *   `$queue/`, the external brokers' shared subscriptions);
 * - a device may publish only its own `up/{type}` and its own `state`;
 * - a device may subscribe only to its own `down/#` or a concrete
 *   `down/{type}`, and to its hall's displays `halls/{hallId}/display/+` or
 *   `halls/{hallId}/display/{screenId}`. No other wildcard, no `$` topic.
 */
export type Principal =
  { type: 'server' } | { type: 'device'; device: { deviceId: string; hallId: string; kind: DeviceKind } };

export type DevicePrincipal = Extract<Principal, { type: 'device' }>;

/** The device's topic address, or null when its ids could not be topic levels (then it gets nothing). */
export function deviceAddress(p: DevicePrincipal): DeviceAddress | null {
  const { deviceId, hallId, kind } = p.device;
  const ok =
    idSchema.safeParse(deviceId).success &&
    idSchema.safeParse(hallId).success &&
    deviceKindSchema.safeParse(kind).success;
  return ok ? { deviceId, hallId, kind } : null;
}

/**
 * May `p` publish on `topic`?
 * @example canPublish(device('h1', 'ticketer', 'd1'), 'halls/h1/ticketer/d1/up/ticket.request') // true
 */
export function canPublish(p: Principal, topic: string): boolean {
  // Topic names carry no wildcards [MQTT-3.3.2-2], are non-empty [MQTT-4.7.3-1]
  // and contain no U+0000 [MQTT-1.5.3-2].
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what [MQTT-1.5.3-2] forbids
  if (topic.length === 0 || /[+#\u0000]/.test(topic) || topic.startsWith('$')) return false;
  if (p.type === 'server') return true;
  if (p.type !== 'device') return false;
  const own = deviceAddress(p);
  const t = parseTopic(topic);
  if (!own || !t || t.dir === 'display' || !sameDevice(own, t)) return false;
  return t.dir === 'up' || t.dir === 'state';
}

/**
 * May `p` subscribe to `filter`?
 * @example canSubscribe(device('h1', 'display', 'led1'), 'halls/h1/display/+') // true
 */
export function canSubscribe(p: Principal, filter: string): boolean {
  if (p.type === 'server') return serverMaySubscribe(filter);
  if (p.type !== 'device') return false;
  const own = deviceAddress(p);
  if (!own) return false;
  const l = filter.split('/');
  // Own replies: halls/{hallId}/{kind}/{deviceId}/down/# or down/{type}.
  if (
    l.length === 6 &&
    l[0] === 'halls' &&
    l[1] === own.hallId &&
    l[2] === own.kind &&
    l[3] === own.deviceId &&
    l[4] === 'down'
  ) {
    return l[5] === '#' || isDownType(l[5]!);
  }
  // The hall's displays: halls/{hallId}/display/+ or a concrete screen.
  if (l.length === 4 && l[0] === 'halls' && l[1] === own.hallId && l[2] === 'display') {
    return l[3] === '+' || idSchema.safeParse(l[3]).success;
  }
  return false;
}

/** True when `topic` is exactly the principal's own retained state topic (also its only valid will topic). */
export function isOwnStateTopic(p: Principal, topic: string): boolean {
  if (p.type !== 'device') return false;
  const own = deviceAddress(p);
  return own !== null && topic === topics.state(own);
}

function sameDevice(a: DeviceAddress, b: DeviceAddress): boolean {
  return a.hallId === b.hallId && a.kind === b.kind && a.deviceId === b.deviceId;
}

/**
 * A concrete down type. `downMessages` lists `error`, which has no dot and so
 * fails `messageTypeSchema`; it is accepted by name.
 */
function isDownType(level: string): boolean {
  return messageTypeSchema.safeParse(level).success || Object.hasOwn(downMessages, level);
}

function serverMaySubscribe(filter: string): boolean {
  let f = filter;
  // Shared subscriptions of the external brokers: `$share/{group}/{filter}`
  // (MQTT 5 §4.8.2, EMQX, Mosquitto 2) and EMQX's `$queue/{filter}`. The ACL
  // applies to the inner filter, so `$share/g/$SYS/#` cannot open `$SYS`.
  const share = /^\$share\/([^/#+]+)\/(.+)$/.exec(f);
  if (share) f = share[2]!;
  else if (f.startsWith('$queue/')) f = f.slice('$queue/'.length);
  if (!isValidFilter(f)) return false;
  // `$SYS` is protected for everyone; any other `$` filter would be
  // meaningless for us, so deny it too. `#` and `+/...` are fine: a leading
  // wildcard never matches `$` topics [MQTT-4.7.2-1].
  return !f.startsWith('$');
}

/** Topic filter syntax, MQTT 3.1.1 §4.7.1: `#` only alone and last, `+` only alone. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const l = filter.split('/');
  return l.every((level, i) => (level === '#' && i === l.length - 1) || level === '+' || !/[+#]/.test(level));
}
