import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { topics, type DisplayShow, type DomainEvent } from '../../contracts/index.ts';
import type { QueueCommitted } from '../commands/queue-service.ts';
import type { Metrics } from '../metrics.ts';

/** The hall's central screen and voice (综合屏 / 语音播报); each window's own screen is `display/{windowId}`. */
export const MAIN_SCREEN = 'main';

/**
 * What a committed queue operation sets in motion outside the database
 * after commit, for MQTT and REST alike:
 * - every event → the hall's Socket.IO room (delta with seq);
 * - a call or recall → `display.show` with the LED text and the voice line
 *   (请A001号到5号窗口办理, 001 §1.1.1.16) on the hall's main screen and the
 *   window's own screen; a recall repeats it;
 * - a completion → `rating.prompt` to the window's rating terminal (一次一评,
 *   001 §1.1.1.3–13).
 * Publishing is QoS 1 and never throws: a display that is offline gets the
 * next call; the outbox keeps the record.
 */
export function queueEffects(deps: {
  mqtt: MqttClient;
  publish(e: DomainEvent): void;
  metrics: Metrics;
}): (c: QueueCommitted) => void {
  const send = (topic: string, type: string, data: unknown) => {
    deps.mqtt.publish(
      topic,
      JSON.stringify({ v: 1, id: randomUUID(), ts: Date.now(), type, data }),
      { qos: 1 },
      () => undefined,
    );
  };
  return (c) => {
    for (const e of c.events) {
      deps.publish(e);
      if (e.type === 'ticket.called' || e.type === 'ticket.recalled') {
        const d = e.data as {
          ticketNo: string;
          windowId: string;
          windowNo: string;
          display: { text: string; voice: string };
        };
        const show: DisplayShow = {
          text: d.display.text,
          voice: d.display.voice,
          windowNo: d.windowNo,
          ticketNo: d.ticketNo,
        };
        send(topics.display(c.hallId, MAIN_SCREEN), 'display.show', show);
        send(topics.display(c.hallId, d.windowId), 'display.show', show);
      } else if (e.type === 'rating.prompt') {
        const d = e.data as {
          ticketId: string;
          ticketNo: string;
          windowId: string;
          windowNo: string;
          raterDeviceId: string | null;
        };
        if (d.raterDeviceId) {
          send(
            topics.down({ hallId: c.hallId, kind: 'rater', deviceId: d.raterDeviceId }, 'rating.prompt'),
            'rating.prompt',
            { ticketId: d.ticketId, ticketNo: d.ticketNo, windowId: d.windowId, windowNo: d.windowNo },
          );
        }
      }
    }
    if (c.receivedAt !== undefined) deps.metrics.mqttToSocket.observe((performance.now() - c.receivedAt) / 1000);
  };
}
