import { z } from 'zod';
import { deviceCredentialsSchema } from './rest.ts';

/**
 * The simulator's device list, written by the server when it seeds the demo
 * city (DATA_DIR/sim-devices.json, mode 0600) and read by `npm run sim`.
 */
export const simFileSchema = z.object({
  devices: z.array(deviceCredentialsSchema),
  /** Item codes per hall, for ticket requests. */
  items: z.record(z.string(), z.array(z.string())),
});
export type SimFile = z.infer<typeof simFileSchema>;
