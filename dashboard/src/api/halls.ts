import { hallListResponseSchema, type HallListResponse } from '@contracts/hall.ts';
import { path, request } from './client.ts';

/** The halls the signed-in user may see (the server filters by role and region). */
export function listHalls(): Promise<HallListResponse> {
  return request(hallListResponseSchema, path('halls'));
}
