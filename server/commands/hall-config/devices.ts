import { knownItemCodes } from '../../store/items-repo.ts';
import { setDeviceItemCodes, setDeviceWindowId } from '../../store/device-config-repo.ts';
import type { Change } from './change-hall-config.ts';
import { mustBeDevice, mustBelong } from './refs.ts';
import { refuse } from './refuse.ts';

export function setDeviceItems(hallId: string, deviceId: string, itemCodes: readonly string[] | null): Change {
  return {
    target: `device:${deviceId}/items`,
    detail: { op: 'device.items', deviceId, itemCodes },
    async write(tx) {
      await mustBeDevice(tx, deviceId, hallId, 'ticketer');
      if (itemCodes) {
        const have = await knownItemCodes(tx, hallId, itemCodes);
        const missing = itemCodes.filter((c) => !have.has(c));
        if (missing.length) refuse('HALL_ERR_NOT_FOUND', `no item ${missing.join(', ')} in hall ${hallId}`);
      }
      await setDeviceItemCodes(tx, deviceId, itemCodes ? [...new Set(itemCodes)] : null);
    },
  };
}

export function setDeviceWindow(hallId: string, deviceId: string, windowId: string | null): Change {
  return {
    target: `device:${deviceId}/window`,
    detail: { op: 'device.window', deviceId, windowId },
    async write(tx) {
      await mustBeDevice(tx, deviceId, hallId, 'caller');
      if (windowId) await mustBelong(tx, 'windows', windowId, hallId);
      await setDeviceWindowId(tx, deviceId, windowId);
    },
  };
}
