// The queue configuration admin's use cases (docs/admin.md): one transaction per change (change-hall-config.ts).
export { changeHallConfig, type Change, type ConfigActor, type ConfigChangeCtx } from './change-hall-config.ts';
export { patchHall } from './hall.ts';
export { createDepartment, updateDepartment, deleteDepartment } from './departments.ts';
export { createItem, updateItem, deleteItem } from './items.ts';
export { createQueue, updateQueue, deleteQueue } from './queues.ts';
export { createWindow, updateWindow, deleteWindow } from './windows.ts';
export { replacePeriods } from './periods.ts';
export { setDeviceItems, setDeviceWindow } from './devices.ts';
