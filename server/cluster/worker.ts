import type { Config } from '../../contracts/index.ts';
import { createApplication, type App, type ClusterChannel, type OwnerInfo } from '../app.ts';
import type { Logger } from '../logger.ts';

/**
 * A process of the group that `runPrimary` started (docs/scaling.md): the
 * owner starts everything and tells the primary what the others need; a web
 * process waits for that and serves HTTP and sockets on it.
 */
export async function runWorker(config: Config, logger: Logger, role: 'owner' | 'web'): Promise<App> {
  const channel: ClusterChannel = {
    send: (m) => process.send?.(m),
    on: (ev, fn) => process.on(ev, fn),
  };
  if (role === 'owner') {
    const app = await createApplication({ config, logger, cluster: { role: 'owner' }, ownerChannel: channel });
    channel.send({ t: 'owner-ready', info: app.ownerInfo });
    return app;
  }
  const owner = await new Promise<OwnerInfo>((resolve) => {
    const on = (m: unknown) => {
      const msg = m as { t?: string; info?: OwnerInfo };
      if (msg.t === 'owner' && msg.info) {
        process.off('message', on);
        resolve(msg.info);
      }
    };
    process.on('message', on);
    channel.send({ t: 'want-owner' });
  });
  const app = await createApplication({ config, logger, cluster: { role: 'web', owner, channel } });
  channel.send({ t: 'web-ready' });
  return app;
}
