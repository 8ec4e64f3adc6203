import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

/**
 * REDIS_URL: Socket.IO's Redis adapter fans deltas out across server
 * processes, so a socket on node B sees a ticket taken through node A
 * (DESIGN.md principle 5, "Redis for cross-node fan-out"). Returns its closer.
 */
export async function attachRedisAdapter(io: Server, url: string): Promise<() => Promise<void>> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}
