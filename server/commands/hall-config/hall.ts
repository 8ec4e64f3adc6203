import type { HallPatchBody } from '../../../contracts/config-admin.ts';
import { updateHallSettings } from '../../store/hall-settings-repo.ts';
import type { Change } from './change-hall-config.ts';

export function patchHall(hallId: string, b: HallPatchBody): Change {
  return {
    target: 'hall',
    detail: { op: 'hall.update', ...b },
    async write(tx) {
      await updateHallSettings(tx, hallId, b);
    },
  };
}
