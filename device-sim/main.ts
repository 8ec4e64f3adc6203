import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { demoPaceSchema, simFileSchema, type SimFile } from '../contracts/index.ts';
import { startSimulator } from './simulator.ts';

/**
 * `npm run sim`: simulated devices beside a running server. The only file of
 * device-sim that reads the environment:
 *   DATA_DIR   where the server wrote sim-devices.json (default ./data)
 *   MQTT_URL   broker (default mqtt://127.0.0.1:${MQTT_PORT ?? 1883})
 *   SIM_RATE   city-wide ticket arrivals per minute at the daily peak (default 30)
 *   DEMO_PACE  `always` (default: the peak rate at every hour) or `hall-clock` (the halls' day),
 *              as the server's in-process simulator; only that one is shown on the wall
 */
const env = process.env;
const dataDir = env.DATA_DIR || './data';
const file = path.resolve(dataDir, 'sim-devices.json');
const mqttUrl = env.MQTT_URL || `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}`;
const rate = Number(env.SIM_RATE ?? 30);
const pace = demoPaceSchema.safeParse(env.DEMO_PACE || 'always');

function die(msg: string): never {
  console.error(`sim: ${msg}`);
  process.exit(1);
}

if (!Number.isFinite(rate) || rate < 0) die(`SIM_RATE must be a number ≥ 0, got "${env.SIM_RATE}"`);
if (!pace.success) die(`DEMO_PACE must be always or hall-clock, got "${env.DEMO_PACE}"`);

async function readSimFile(): Promise<SimFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      die(
        `${file} not found: start the server once with the demo seed (it writes the device list there), or set DATA_DIR`,
      );
    }
    die(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    die(`${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = simFileSchema.safeParse(json);
  if (!parsed.success)
    die(
      `${file} does not match the sim file contract: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

/** At most a few lines per message kind per summary period, so a refusing server does not flood the terminal. */
const seen = new Map<string, number>();
function log(msg: string, extra?: object): void {
  const n = (seen.get(msg) ?? 0) + 1;
  seen.set(msg, n);
  if (n <= 3) console.error(`${new Date().toISOString()} sim: ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
  else if (n === 4) console.error(`${new Date().toISOString()} sim: ${msg} (more suppressed until the next summary)`);
}

const sim = await readSimFile();
const running = await startSimulator({
  mqttUrl,
  devices: sim.devices,
  items: sim.items,
  callers: sim.callers,
  ratePerMin: rate,
  pace: pace.data,
  log,
});

const summary = setInterval(() => {
  const s = running.stats();
  const last = s.lastErrorCodes.at(-1);
  console.log(
    `sim: connected=${s.connected} requested=${s.ticketsRequested} issued=${s.ticketsIssued} called=${s.ticketsCalled} completed=${s.ticketsCompleted} errors=${s.errors}${last ? ` last=${last}` : ''}`,
  );
  seen.clear();
}, 10_000);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`sim: ${signal}, stopping`);
  clearInterval(summary);
  running.stop().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error('sim: stop failed', e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
