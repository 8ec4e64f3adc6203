import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/store/embedded-pg.ts';

/** A real server process (`server/main.ts`), as an operator would run it. */
export interface ServerProcess {
  proc: ChildProcess;
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  base: string;
  output: string[];
  stop(): Promise<number | null>;
}

export async function spawnServer(
  env: Record<string, string>,
  opts: { dataDir?: string } = {},
): Promise<ServerProcess> {
  const httpPort = await freePort(),
    mqttPort = await freePort();
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hall-proc-')));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HTTP_PORT: String(httpPort),
      MQTT_PORT: String(mqttPort),
      SIM: 'off',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout!.on('data', (c) => output.push(String(c)));
  proc.stderr!.on('data', (c) => output.push(String(c)));
  const base = `http://127.0.0.1:${httpPort}`;
  const end = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${output.join('')}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > end) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready: ${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc,
    dataDir,
    httpPort,
    mqttPort,
    base,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill('SIGTERM');
      }),
  };
}
