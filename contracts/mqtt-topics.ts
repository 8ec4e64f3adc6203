import { z } from 'zod';
import { idSchema, deviceKindSchema, type DeviceKind } from './ids.ts';

/**
 * The MQTT topic scheme (DESIGN.md, MQTT conventions):
 *   halls/{hallId}/{kind}/{deviceId}/up/{type}     device → server
 *   halls/{hallId}/{kind}/{deviceId}/down/{type}   server → device
 *   halls/{hallId}/{kind}/{deviceId}/state         retained online/offline, also the last will
 *   halls/{hallId}/display/{screenId}              LED / voice displays of a hall
 * Types use dots (`ticket.request`; the reply type `error` has none), never `/`,
 * so one topic level holds one type.
 */
export const messageTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)*$/)
  .max(64);

export interface DeviceAddress {
  hallId: string;
  kind: DeviceKind;
  deviceId: string;
}

export type ParsedTopic =
  | ({ dir: 'up' | 'down'; type: string } & DeviceAddress)
  | ({ dir: 'state' } & DeviceAddress)
  | { dir: 'display'; hallId: string; screenId: string };

export const topics = {
  prefix: (a: DeviceAddress) => `halls/${a.hallId}/${a.kind}/${a.deviceId}`,
  up: (a: DeviceAddress, type: string) => `${topics.prefix(a)}/up/${type}`,
  down: (a: DeviceAddress, type: string) => `${topics.prefix(a)}/down/${type}`,
  state: (a: DeviceAddress) => `${topics.prefix(a)}/state`,
  display: (hallId: string, screenId: string) => `halls/${hallId}/display/${screenId}`,
  /** What the ingest subscribes to (MQTT 3.1.1 §4.7 wildcards). */
  allUp: 'halls/+/+/+/up/#',
  allState: 'halls/+/+/+/state',
} as const;

/** Parses a concrete topic (no wildcards); returns null when it is not ours. */
export function parseTopic(topic: string): ParsedTopic | null {
  const p = topic.split('/');
  if (p[0] !== 'halls' || p.length < 4) return null;
  const hallId = p[1]!;
  if (!idSchema.safeParse(hallId).success) return null;
  if (p[2] === 'display' && p.length === 4) {
    return idSchema.safeParse(p[3]).success ? { dir: 'display', hallId, screenId: p[3]! } : null;
  }
  const kind = deviceKindSchema.safeParse(p[2]);
  if (!kind.success || !idSchema.safeParse(p[3]).success) return null;
  const base = { hallId, kind: kind.data, deviceId: p[3]! };
  if (p.length === 5 && p[4] === 'state') return { dir: 'state', ...base };
  if (p.length === 6 && (p[4] === 'up' || p[4] === 'down') && messageTypeSchema.safeParse(p[5]).success) {
    return { dir: p[4], type: p[5]!, ...base };
  }
  return null;
}

/** Retained state payload; the last will carries `offline`. */
export const deviceStateSchema = z.enum(['online', 'offline']);
