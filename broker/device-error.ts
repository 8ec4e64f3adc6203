import { randomUUID } from 'node:crypto';
import type { PublishPacket } from 'aedes';
import { topics, type DeviceAddress } from '../contracts/mqtt-topics.ts';
import type { ErrorCode } from '../contracts/errors.ts';
import type { DeviceError, Envelope } from '../contracts/envelope.ts';

/**
 * The `down/error` message a device gets when the broker refuses something it
 * did (DESIGN.md principle 7: a clear, coded error on its reply topic). QoS 1,
 * so a device with a persistent session still gets it after the broker has
 * closed its connection.
 */
export function deviceErrorPacket(
  to: DeviceAddress,
  code: ErrorCode,
  message: string,
  details?: unknown,
): PublishPacket {
  const envelope: Envelope<DeviceError> = {
    v: 1,
    id: randomUUID(),
    ts: Date.now(),
    type: 'error',
    data: { code, message, ...(details === undefined ? {} : { details }) },
  };
  return {
    cmd: 'publish',
    topic: topics.down(to, 'error'),
    payload: Buffer.from(JSON.stringify(envelope)),
    qos: 1,
    retain: false,
    dup: false,
  };
}
