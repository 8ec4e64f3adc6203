import type { z } from 'zod';
import {
  configChangeResultSchema,
  hallConfigViewSchema,
  type ConfigChangeResult,
  type HallConfigView,
  type departmentBodySchema,
  type hallPatchBodySchema,
  type itemBodySchema,
  type itemCreateBodySchema,
  type periodSchema,
  type queueBodySchema,
  type windowBodySchema,
} from '@contracts/config-admin.ts';
import { path, request, type RequestOptions } from './client.ts';

/**
 * One hall's queue configuration (docs/admin.md): `GET /api/halls/:hallId/config`
 * and the changes, each answering with the configuration as it now stands.
 */

/** The lists of the configuration that are added to, edited and deleted row by row. */
export interface ConfigAreas {
  departments: { create: z.input<typeof departmentBodySchema>; update: z.input<typeof departmentBodySchema> };
  items: { create: z.input<typeof itemCreateBodySchema>; update: z.input<typeof itemBodySchema> };
  queues: { create: z.input<typeof queueBodySchema>; update: z.input<typeof queueBodySchema> };
  windows: { create: z.input<typeof windowBodySchema>; update: z.input<typeof windowBodySchema> };
}
export type ConfigArea = keyof ConfigAreas;

export function hallConfig(hallId: string): Promise<HallConfigView> {
  return request(hallConfigViewSchema, path('halls', hallId, 'config'));
}

function change(
  method: NonNullable<RequestOptions['method']>,
  segments: string[],
  body?: unknown,
): Promise<ConfigChangeResult> {
  return request(configChangeResultSchema, path('halls', ...segments), {
    method,
    ...(body === undefined ? {} : { body }),
  });
}

/** A change of one hall's configuration; the admin store runs it with the hall in view. */
export type ConfigChange = (hallId: string) => Promise<ConfigChangeResult>;

export const configChanges = {
  /** The hall's name, address and calling policy. */
  hall:
    (body: z.input<typeof hallPatchBodySchema>): ConfigChange =>
    (h) =>
      change('PATCH', [h], body),
  create:
    <A extends ConfigArea>(area: A, body: ConfigAreas[A]['create']): ConfigChange =>
    (h) =>
      change('POST', [h, area], body),
  update:
    <A extends ConfigArea>(area: A, id: string, body: ConfigAreas[A]['update']): ConfigChange =>
    (h) =>
      change('PUT', [h, area, id], body),
  remove:
    (area: ConfigArea, id: string): ConfigChange =>
    (h) =>
      change('DELETE', [h, area, id]),
  /** A window's whole period list, replaced (empty: the all-day queues again). */
  windowPeriods:
    (windowId: string, periods: z.input<typeof periodSchema>[]): ConfigChange =>
    (h) =>
      change('PUT', [h, 'windows', windowId, 'periods'], { periods }),
  /** A ticket machine's item set; null = every item of the hall. */
  deviceItems:
    (deviceId: string, itemCodes: string[] | null): ConfigChange =>
    (h) =>
      change('PUT', [h, 'devices', deviceId, 'items'], { itemCodes }),
  /** The window a caller is bound to; null = any window of its hall. */
  deviceWindow:
    (deviceId: string, windowId: string | null): ConfigChange =>
    (h) =>
      change('PUT', [h, 'devices', deviceId, 'window'], { windowId }),
};
