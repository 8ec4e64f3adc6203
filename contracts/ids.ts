import { z } from 'zod';

/** Identifiers appear in MQTT topic levels, so they may not contain `/`, `+`, `#` or `$`. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'id: letters, digits, _ and -, at most 64');
/** Region codes follow GB/T 2260 style digits: 市 6, 县 6, 镇 9, 村 12. */
export const regionCodeSchema = z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, 'region code: 6, 9 or 12 digits');
/** Service item codes (事项编码). */
export const itemCodeSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
export const deviceKinds = ['ticketer', 'caller', 'rater', 'camera', 'display'] as const;
export const deviceKindSchema = z.enum(deviceKinds);
export type DeviceKind = z.infer<typeof deviceKindSchema>;
