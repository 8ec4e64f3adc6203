import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  envelopeSchema,
  parseTopic,
  topics,
  upMessages,
  type DeviceCredentials,
  type DeviceKind,
  type Envelope,
  type TicketIssued,
} from '../contracts/index.ts';
import { isValidIdNumber, seededRandom } from './arrivals.ts';
import { startSimulator } from './simulator.ts';

/**
 * The sim against a bare Aedes (no auth: the real broker module is written
 * elsewhere) and a plain MQTT client playing the server: it checks every
 * message against the contracts and answers ticket requests.
 */
const dev = (hallId: string, kind: DeviceKind, deviceId: string): DeviceCredentials => ({
  hallId,
  kind,
  deviceId,
  username: deviceId,
  password: 'pw',
  topicPrefix: topics.prefix({ hallId, kind, deviceId }),
});

const devices = [
  dev('H1', 'ticketer', 'T1a'),
  dev('H1', 'ticketer', 'T1b'),
  dev('H1', 'camera', 'C1'),
  dev('H1', 'display', 'D1'),
  dev('H2', 'ticketer', 'T2a'),
  dev('H2', 'camera', 'C2'),
  dev('H1', 'caller', 'K1'), // ignored for now
];
const items = { H1: ['A1', 'A2'], H2: ['B1'] };

let broker: Aedes;
let server: net.Server;
let url: string;

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
});

/** Retained states as a fresh subscriber sees them. */
async function retainedStates(): Promise<Map<string, string>> {
  const c = await connectAsync(url, { clientId: `probe-${Math.random()}` });
  const seen = new Map<string, string>();
  c.on('message', (topic, payload, packet) => {
    if (packet.retain) seen.set(topic, payload.toString());
  });
  await c.subscribeAsync(topics.allState, { qos: 1 });
  await new Promise((r) => setTimeout(r, 200));
  await c.endAsync();
  return seen;
}

describe('startSimulator', () => {
  it('sends valid messages, counts replies and leaves retained states', async () => {
    const received: { topic: string; env: Envelope }[] = [];
    const invalid: string[] = [];
    const fakeServer: MqttClient = await connectAsync(url, { clientId: 'fake-server' });
    fakeServer.on('message', (topic, payload) => {
      const t = parseTopic(topic);
      const env = envelopeSchema.safeParse(JSON.parse(payload.toString()));
      if (t?.dir !== 'up' || !env.success || env.data.type !== t.type) return void invalid.push(topic);
      const schemas = upMessages[t.kind] as Record<string, { safeParse(x: unknown): { success: boolean } }>;
      if (!schemas[t.type]?.safeParse(env.data.data).success)
        return void invalid.push(`${topic} ${payload.toString()}`);
      received.push({ topic, env: env.data as Envelope });
      if (t.type !== 'ticket.request') return;
      const req = env.data.data as { itemCode: string };
      // Hall H2 refuses its item, so the error path is exercised too.
      const reply: Envelope =
        req.itemCode === 'B1'
          ? {
              v: 1,
              id: `s-${env.data.id}`,
              ts: Date.now(),
              type: 'error',
              re: env.data.id,
              data: { code: 'HALL_ERR_UNKNOWN_ITEM', message: 'no' },
            }
          : {
              v: 1,
              id: `s-${env.data.id}`,
              ts: Date.now(),
              type: 'ticket.issued',
              re: env.data.id,
              data: {
                ticketId: env.data.id,
                ticketNo: 'A001',
                queue: { id: 'q1', name: '综合', prefix: 'A' },
                hallName: '测试大厅',
                waitingAhead: 0,
                issuedAt: new Date().toISOString(),
                seq: 1,
              } satisfies TicketIssued,
            };
      // The fake server may still be answering while the test ends its client: ignore that late failure.
      fakeServer.publishAsync(topics.down(t, reply.type), JSON.stringify(reply), { qos: 1 }).catch(() => undefined);
    });
    await fakeServer.subscribeAsync(topics.allUp, { qos: 1 });

    const sim = await startSimulator({
      mqttUrl: url,
      devices,
      items,
      ratePerMin: 6000,
      random: seededRandom(1),
      now: () => new Date('2024-05-06T10:00:00+08:00'), // morning peak
    });
    expect(sim.stats().connected).toBe(6);
    await new Promise((r) => setTimeout(r, 2000));

    const online = await retainedStates();
    const simDevices = devices.filter((d) => d.kind !== 'caller');
    for (const d of simDevices) expect(online.get(topics.state(d))).toBe('online');
    expect(online.has(topics.state(devices[6]!))).toBe(false);

    await sim.stop();
    const s = sim.stats();
    await fakeServer.endAsync();

    expect(invalid).toEqual([]);
    const requests = received.filter((m) => m.env.type === 'ticket.request');
    // 100/s for 2 s, Poisson: far above 100 unless something is broken.
    expect(requests.length).toBeGreaterThan(100);
    expect(s.ticketsRequested).toBeGreaterThanOrEqual(requests.length);
    const fromH2 = requests.filter((m) => m.topic.startsWith('halls/H2/')).length;
    expect(fromH2).toBeGreaterThan(20);
    // Replies are counted; a few may still be in flight at stop().
    expect(s.ticketsIssued).toBeGreaterThan((requests.length - fromH2) * 0.9);
    expect(s.ticketsIssued).toBeLessThanOrEqual(requests.length - fromH2);
    expect(s.errors).toBeGreaterThan(fromH2 * 0.9);
    expect(s.lastErrorCodes.length).toBe(20);
    expect(new Set(s.lastErrorCodes)).toEqual(new Set(['HALL_ERR_UNKNOWN_ITEM']));

    // Identities: valid synthetic IDs on about 60% of requests.
    const ids = requests.map((m) => (m.env.data as { identity?: { method: string; idNumber?: string } }).identity);
    const cards = ids.filter((i) => i?.method === 'id-card');
    expect(cards.every((i) => isValidIdNumber(i!.idNumber!))).toBe(true);
    expect(cards.length / requests.length).toBeGreaterThan(0.45);
    expect(cards.length / requests.length).toBeLessThan(0.75);
    // Item codes come from the device's own hall.
    expect(
      requests.every((m) =>
        (items as Record<string, string[]>)[parseTopic(m.topic)!.hallId]!.includes(
          (m.env.data as { itemCode: string }).itemCode,
        ),
      ),
    ).toBe(true);
    // Unique message ids per device.
    expect(new Set(received.map((m) => `${m.topic.split('/')[3]}:${m.env.id}`)).size).toBe(received.length);

    // Status and camera counts are sent on connect.
    expect(received.filter((m) => m.env.type === 'device.status').length).toBeGreaterThanOrEqual(3);
    expect(received.filter((m) => m.env.type === 'camera.count').length).toBeGreaterThanOrEqual(2);

    const after = await retainedStates();
    for (const d of simDevices) expect(after.get(topics.state(d))).toBe('offline');
    expect(sim.stats().connected).toBe(0);
  }, 20_000);

  it('keeps running and retries when the broker refuses a device', async () => {
    const logs: string[] = [];
    const sim = await startSimulator({
      mqttUrl: 'mqtt://127.0.0.1:1', // nothing listens on port 1
      devices: [dev('H1', 'ticketer', 'T9')],
      items,
      ratePerMin: 60,
      log: (m) => logs.push(m),
    });
    expect(sim.stats().connected).toBe(0);
    expect(sim.stats().errors).toBeGreaterThan(0);
    expect(sim.stats().lastErrorCodes).toContain('SIM_CONNECT_FAILED');
    expect(logs.some((m) => m.includes('no device could connect'))).toBe(true);
    await sim.stop();
  });
});
