import { Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { HallError, brokerAuthBodySchema, brokerAclBodySchema } from '../../../contracts/index.ts';
import { canPublish, canSubscribe, type Principal } from '../../../broker/acl.ts';
import { verifyDevice } from '../../commands/device-authentication.ts';
import { findDevice } from '../../store/devices-repo.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * With an external broker (MQTT_URL) the same device registry and topic ACL
 * answer the broker over HTTP: EMQX's HTTP authenticator/authorizer, or
 * mosquitto-go-auth's HTTP backend in `json` response mode (docs/external-engines.md).
 * Answers are always 200 with `{result, ok}` so both brokers read them.
 * Enabled only when BROKER_HOOK_SECRET is set; the broker sends it as `x-broker-secret`.
 */
export function brokerHookRoutes({ db, config }: RouteDeps): Router {
  const r = Router();
  const secret = config.BROKER_HOOK_SECRET;
  if (!secret) return r;
  const allow = (ok: boolean) => ({
    result: ok ? 'allow' : 'deny',
    ok,
    is_superuser: false,
    ...(ok ? {} : { error: 'denied' }),
  });

  r.use('/api/broker', (req, _res, next) => {
    const got = req.headers['x-broker-secret'];
    next(
      typeof got === 'string' && same(got, secret)
        ? undefined
        : new HallError('HALL_ERR_FORBIDDEN', 'bad broker hook secret'),
    );
  });

  async function principalOf(username: string, password?: string): Promise<Principal | null> {
    if (config.MQTT_USERNAME && username === config.MQTT_USERNAME) {
      return password === undefined || (config.MQTT_PASSWORD !== undefined && same(password, config.MQTT_PASSWORD))
        ? { type: 'server' }
        : null;
    }
    const d = password === undefined ? await findDevice(db, username) : await verifyDevice(db, username, password);
    return d ? { type: 'device', device: d } : null;
  }

  r.post('/api/broker/auth', async (req, res) => {
    const b = parse(brokerAuthBodySchema, req.body);
    const p = await principalOf(b.username, b.password);
    // One device, one client id: the same rule as the embedded broker.
    const ok = p !== null && (p.type === 'server' || b.clientid === undefined || b.clientid === p.device.deviceId);
    res.json(allow(ok));
  });

  r.post('/api/broker/acl', async (req, res) => {
    const b = parse(brokerAclBodySchema, req.body);
    const p = await principalOf(b.username);
    if (!p) return void res.json(allow(false));
    const wantsPublish = b.action === 'publish' || b.acc === 2 || b.acc === 3;
    const wantsSubscribe = b.action === 'subscribe' || b.acc === 1 || b.acc === 3 || b.acc === 4;
    const ok =
      (wantsPublish || wantsSubscribe) &&
      (!wantsPublish || canPublish(p, b.topic)) &&
      (!wantsSubscribe || canSubscribe(p, b.topic));
    res.json(allow(ok));
  });
  return r;
}
