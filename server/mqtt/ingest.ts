import type { MqttClient, IPublishPacket } from 'mqtt';
import {
  HallError,
  envelopeSchema,
  parseTopic,
  topics,
  MAX_PAYLOAD_BYTES,
  type DomainEvent,
  type ErrorCode,
  type DeviceAddress,
} from '../../contracts/index.ts';
import type { CommandDeps } from '../commands/issue-ticket.ts';
import { recordPresence } from '../commands/device-presence.ts';
import { findDevice, type DeviceIdentity } from '../store/devices-repo.ts';
import { recordDeadLetter } from '../store/dead-letters-repo.ts';
import type { Metrics } from '../metrics.ts';
import type { Logger } from '../logger.ts';
import { handlerFor, schemaFor } from './handlers.ts';
import { sendError, sendReply } from './reply.ts';

export interface IngestDeps extends CommandDeps {
  mqtt: MqttClient;
  metrics: Metrics;
  logger: Logger;
  /** Called after commit with the event and the time the message arrived (performance.now()). */
  onEvent(event: DomainEvent, receivedAt: number): void;
  maxPayloadBytes?: number;
  /** Messages processed at once; past it the MQTT stream is paused (TCP back-pressure). */
  maxInFlight?: number;
  /** With an external broker, several server processes share the ingest through `$share/{group}/` (MQTT 5 §4.8.2). */
  shareGroup?: string | undefined;
}

export interface Ingest {
  stop(): Promise<void>;
  inFlight(): number;
}

/**
 * The ingest pipeline (DESIGN.md): topic → size → JSON → envelope → device →
 * type → data schema → command in one transaction → reply. Every refusal is a
 * coded reply on `down/error`, a dead letter and a metric, and changes nothing.
 * Nothing here may throw out of the message handler: the process never
 * crashes on input.
 */
export async function startIngest(deps: IngestDeps): Promise<Ingest> {
  const maxBytes = deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const maxInFlight = deps.maxInFlight ?? 64;
  let inFlight = 0;
  let idle: (() => void) | null = null;
  let resume: (() => void) | null = null;

  // PUBACK goes out when the message is taken in; the reply goes out after commit.
  // A device that gets no reply retries with the same id and the inbox answers it (docs/mqtt.md).
  deps.mqtt.handleMessage = (packet, done) => {
    inFlight++;
    void handle(packet).finally(() => {
      inFlight--;
      if (inFlight < maxInFlight && resume) {
        const r = resume;
        resume = null;
        r();
      }
      if (inFlight === 0 && idle) idle();
    });
    if (inFlight < maxInFlight) done();
    else resume = () => done();
  };

  const share = (t: string) => (deps.shareGroup ? `$share/${deps.shareGroup}/${t}` : t);
  // State is not shared: retained states never reach shared subscriptions (MQTT 5 §4.8.2), and
  // recording presence is idempotent, so every process may read them.
  const subscriptions = [share(topics.allUp), topics.allState];
  await deps.mqtt.subscribeAsync(Object.fromEntries(subscriptions.map((t) => [t, { qos: 1 as const }])));

  async function refuse(
    code: ErrorCode,
    ctx: { topic: string; payload: Buffer; dev?: DeviceAddress; id?: string; packet?: IPublishPacket; type?: string },
    message?: string,
    details?: unknown,
  ) {
    deps.metrics.refused.inc({ source: 'mqtt', code });
    deps.metrics.ingestMessages.inc({ type: ctx.type ?? 'unknown', result: 'refused' });
    if (ctx.dev) sendError(deps.mqtt, ctx.dev, { id: ctx.id, packet: ctx.packet }, code, message, details);
    await recordDeadLetter(deps.db, {
      source: 'mqtt',
      code,
      deviceId: ctx.dev?.deviceId,
      topic: ctx.topic,
      detail: message,
      payload: ctx.payload,
    });
    deps.logger.info({ code, topic: ctx.topic, deviceId: ctx.dev?.deviceId }, 'device message refused');
  }

  async function registered(dev: DeviceAddress): Promise<DeviceIdentity | null> {
    const d = await findDevice(deps.db, dev.deviceId);
    return d && d.hallId === dev.hallId && d.kind === dev.kind ? d : null;
  }

  async function handle(packet: IPublishPacket): Promise<void> {
    const receivedAt = performance.now();
    const topic = packet.topic;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const t = parseTopic(topic);
    try {
      if (!t || t.dir === 'down' || t.dir === 'display') return await refuse('HALL_ERR_BAD_TOPIC', { topic, payload });
      const dev: DeviceAddress = { hallId: t.hallId, kind: t.kind, deviceId: t.deviceId };

      if (t.dir === 'state') {
        // An empty retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3): nothing to record.
        if (payload.length === 0) return;
        const state = payload.toString('utf8');
        if (state !== 'online' && state !== 'offline')
          return await refuse(
            'HALL_ERR_BAD_DATA',
            { topic, payload, dev, type: 'state' },
            'state must be online or offline',
          );
        const d = await registered(dev);
        if (!d) return await refuse('HALL_ERR_UNKNOWN_DEVICE', { topic, payload, type: 'state' });
        const ev = await recordPresence(deps, d, state === 'online');
        deps.metrics.ingestMessages.inc({ type: 'state', result: 'ok' });
        if (ev) deps.onEvent(ev, receivedAt);
        return;
      }

      const ctx = { topic, payload, dev, packet, type: t.type } as {
        topic: string;
        payload: Buffer;
        dev: DeviceAddress;
        packet: IPublishPacket;
        type: string;
        id?: string;
      };
      if (payload.length > maxBytes)
        return await refuse(
          'HALL_ERR_PAYLOAD_TOO_LARGE',
          ctx,
          `payload is ${payload.length} bytes; at most ${maxBytes}`,
        );
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return await refuse('HALL_ERR_BAD_JSON', ctx);
      }
      const env = envelopeSchema.safeParse(json);
      if (!env.success)
        return await refuse(
          'HALL_ERR_BAD_ENVELOPE',
          ctx,
          undefined,
          env.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      ctx.id = env.data.id;
      if (env.data.type !== t.type)
        return await refuse('HALL_ERR_TYPE_MISMATCH', ctx, `envelope type ${env.data.type} on topic type ${t.type}`);
      const d = await registered(dev);
      if (!d) return await refuse('HALL_ERR_UNKNOWN_DEVICE', { topic, payload, type: t.type });
      const schema = schemaFor(d.kind, t.type);
      if (!schema) return await refuse('HALL_ERR_UNKNOWN_TYPE', ctx, `a ${d.kind} cannot send ${t.type}`);
      const data = schema.safeParse(env.data.data);
      if (!data.success)
        return await refuse(
          'HALL_ERR_BAD_DATA',
          ctx,
          undefined,
          data.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
        );

      const stop = deps.metrics.commandSeconds.startTimer({ type: t.type });
      const result = await handlerFor(d.kind, t.type)(deps, d, env.data.id, data.data, { receivedAt });
      stop();
      deps.metrics.ingestMessages.inc({ type: t.type, result: result.duplicate ? 'duplicate' : 'ok' });
      if (result.replyType) sendReply(deps.mqtt, dev, { id: env.data.id, packet }, result.replyType, result.reply);
      if (!result.duplicate && result.event) deps.onEvent(result.event, receivedAt);
    } catch (e) {
      const dev = t && t.dir !== 'display' ? { hallId: t.hallId, kind: t.kind, deviceId: t.deviceId } : undefined;
      const type = t && 'type' in t ? t.type : 'state';
      if (e instanceof HallError)
        return refuse(
          e.code,
          { topic, payload, ...(dev ? { dev } : {}), packet, type, id: idOf(payload) },
          e.message,
          e.details,
        );
      deps.logger.error({ err: e, topic }, 'ingest failed');
      await refuse('HALL_ERR_INTERNAL', {
        topic,
        payload,
        ...(dev ? { dev } : {}),
        packet,
        type,
        id: idOf(payload),
      }).catch(() => undefined);
    }
  }

  return {
    inFlight: () => inFlight,
    async stop() {
      await deps.mqtt.unsubscribeAsync(subscriptions).catch(() => undefined);
      if (inFlight > 0)
        await new Promise<void>((r) => {
          idle = r;
        });
    },
  };
}

function idOf(payload: Buffer): string | undefined {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id.slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}
