import { loadConfig } from '../server/config.ts';
import { createPool } from '../server/store/pool.ts';
import { migrate } from '../server/store/migrate.ts';
import { startEmbeddedPostgres } from '../server/store/embedded-pg.ts';
import { COMMANDS } from './commands.ts';
import { CliOutput } from './output.ts';

/**
 * `npm run cli -- <command> [options]`. Uses the same configuration as the
 * server: DATABASE_URL, or the embedded PostgreSQL of DATA_DIR — the running
 * server's when there is one, else it starts it for the duration of the command.
 */
const [name, ...args] = process.argv.slice(2);
const cmd = name ? COMMANDS[name] : undefined;
if (!cmd) {
  process.stderr.write(
    `usage: npm run cli -- <command>\n${Object.values(COMMANDS)
      .map((c) => `  ${c.usage}`)
      .join('\n')}\n`,
  );
  process.exit(name ? 2 : 0);
}
let code = 0;
let stop: () => Promise<void> = async () => undefined;
try {
  const config = loadConfig(process.env);
  let url = config.DATABASE_URL;
  if (!url) {
    const pg = await startEmbeddedPostgres(config.DATA_DIR, (m) => process.stderr.write(`${m}\n`));
    url = pg.url;
    stop = pg.stop;
  }
  const db = createPool(url, 2);
  try {
    await migrate(db);
    const out = await cmd.run(db, args, config);
    // CliOutput: CSV or a report with its own exit code (audit:export, audit:verify).
    if (out instanceof CliOutput) {
      await out.write(process.stdout);
      code = out.exitCode;
    } else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await db.end();
  }
} catch (e) {
  const err = e as { code?: string; message: string };
  process.stderr.write(
    `${err.code && err.code.startsWith('HALL_ERR') ? err.code : 'HALL_ERR_BAD_REQUEST'}: ${err.message}\n`,
  );
  code = 1;
} finally {
  await stop();
}
process.exit(code);
