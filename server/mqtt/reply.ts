import { randomUUID } from 'node:crypto';
import type { MqttClient, IPublishPacket } from 'mqtt';
import { topics, type DeviceAddress, type ErrorCode, ERROR_CODES } from '../../contracts/index.ts';

/**
 * Replies go to the device's own `down/{type}` with `re` = the request id
 * (DESIGN.md). With MQTT 5 a device may name a response topic and correlation
 * data (MQTT 5 §4.10); we honour them only inside the device's own `down/`
 * prefix, so a device cannot make the server publish on another's topics.
 */
export function sendReply(
  mqtt: MqttClient,
  dev: DeviceAddress,
  request: { id?: string | undefined; packet?: IPublishPacket | undefined },
  type: string,
  data: unknown,
): void {
  const own = topics.down(dev, type);
  const props = request.packet?.properties;
  const ownPrefix = topics.down(dev, '');
  const topic = props?.responseTopic && props.responseTopic.startsWith(ownPrefix) ? props.responseTopic : own;
  const body = JSON.stringify({
    v: 1,
    id: randomUUID(),
    ts: Date.now(),
    type,
    ...(request.id ? { re: request.id } : {}),
    data,
  });
  const opts = props?.correlationData
    ? { qos: 1 as const, properties: { correlationData: props.correlationData } }
    : { qos: 1 as const };
  // Publishing never throws into the ingest: a device that went away gets its reply from its persistent session.
  mqtt.publish(topic, body, opts, () => undefined);
}

export function sendError(
  mqtt: MqttClient,
  dev: DeviceAddress,
  request: { id?: string | undefined; packet?: IPublishPacket | undefined },
  code: ErrorCode,
  message?: string,
  details?: unknown,
): void {
  sendReply(mqtt, dev, request, 'error', {
    code,
    message: message ?? ERROR_CODES[code],
    ...(details === undefined ? {} : { details }),
  });
}
