import { configSchema, type Config, HallError } from '../contracts/index.ts';

/**
 * Parses the configuration once and freezes it. A bad value stops start-up
 * with `HALL_ERR_CONFIG` naming the variable, so an operator sees at once what
 * to fix instead of a failure deep inside an adapter.
 *
 * @example loadConfig({ HTTP_PORT: '8080' }).HTTP_PORT // 8080
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') known[key] = v;
  }
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new HallError('HALL_ERR_CONFIG', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return Object.freeze(parsed.data);
}
