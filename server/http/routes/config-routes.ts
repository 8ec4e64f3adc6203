import { Router, type Request, type RequestHandler, type Response } from 'express';
import { HallError } from '../../../contracts/index.ts';
import {
  configParamsSchema,
  departmentBodySchema,
  departmentParamsSchema,
  deviceConfigParamsSchema,
  deviceItemsBodySchema,
  deviceWindowBodySchema,
  hallPatchBodySchema,
  itemBodySchema,
  itemCreateBodySchema,
  itemParamsSchema,
  periodsBodySchema,
  queueBodySchema,
  queueParamsSchema,
  windowBodySchema,
  windowParamsSchema,
  type ConfigChangeResult,
} from '../../../contracts/config-admin.ts';
import { hallDay } from '../../domain/hall-time.ts';
import {
  changeHallConfig,
  createDepartment,
  createItem,
  createQueue,
  createWindow,
  deleteDepartment,
  deleteItem,
  deleteQueue,
  deleteWindow,
  patchHall,
  replacePeriods,
  setDeviceItems,
  setDeviceWindow,
  updateDepartment,
  updateItem,
  updateQueue,
  updateWindow,
  type Change,
} from '../../commands/hall-config/index.ts';
import { readHallConfigSnapshot } from '../../store/hall-config-view-repo.ts';
import { actorOf, authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The queue configuration admin (docs/admin.md; 001 §1.1.1.17 取号系统管理): halls,
 * departments, items, queues, windows, a window's time periods (按时间段) and
 * device item sets, by `config.manage` (the system administrator) in the
 * hall's scope. Each change is one transaction that validates the hall's
 * resulting configuration with the engine's rules, bumps its
 * `config_version`, and is audited (`config.change`); a refusal is coded
 * (400 malformed, 404 reference to nothing, 409 duplicate / overlap / in
 * use) with `details.problems` and changes nothing. After commit this
 * process drops its cached configuration; other processes see the new
 * version on their next operation. docs/admin.md.
 */
export function configRoutes({ db, clock, config, queue, views }: RouteDeps): Router {
  const r = Router();
  const tz = config.HALL_TZ;
  const guard = (): RequestHandler => authorize(db, clock, 'config.manage', { hallParam: 'hallId' });

  async function apply(
    req: Request,
    res: Response,
    hallId: string,
    change: Change,
    status = 200,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const configVersion = await changeHallConfig({ db, tz, now: clock.now(), actor: actorOf(req) }, hallId, change);
    // Changes take effect for the next operation of this process at once; others reload on the version.
    queue.invalidate(hallId);
    views.invalidate(hallId); // the feed notice follows; a read right after this answer must not be older
    const body: ConfigChangeResult & Record<string, unknown> = {
      ...extra,
      configVersion,
      config: await readHallConfigSnapshot(db, hallId, tz),
    };
    res.status(status).json(body);
  }
  const today = () => hallDay(clock.now(), tz);

  r.get('/api/halls/:hallId/config', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    res.json(await readHallConfigSnapshot(db, hallId, tz));
  });

  r.patch('/api/halls/:hallId', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    await apply(req, res, hallId, patchHall(hallId, parse(hallPatchBodySchema, req.body)));
  });

  // Departments
  r.post('/api/halls/:hallId/departments', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    const c = createDepartment(hallId, parse(departmentBodySchema, req.body));
    await apply(req, res, hallId, c, 201, { id: c.id });
  });
  r.put('/api/halls/:hallId/departments/:departmentId', guard(), async (req, res) => {
    const { hallId, departmentId } = parse(departmentParamsSchema, req.params);
    const b = parse(departmentBodySchema, req.body);
    if (b.id !== undefined && b.id !== departmentId)
      throw new HallError('HALL_ERR_BAD_REQUEST', 'the id in the body differs from the path');
    await apply(req, res, hallId, updateDepartment(hallId, departmentId, b));
  });
  r.delete('/api/halls/:hallId/departments/:departmentId', guard(), async (req, res) => {
    const { hallId, departmentId } = parse(departmentParamsSchema, req.params);
    await apply(req, res, hallId, deleteDepartment(hallId, departmentId));
  });

  // Service items (事项)
  r.post('/api/halls/:hallId/items', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    const { code, ...b } = parse(itemCreateBodySchema, req.body);
    await apply(req, res, hallId, createItem(hallId, code, b), 201, { id: code });
  });
  r.put('/api/halls/:hallId/items/:code', guard(), async (req, res) => {
    const { hallId, code } = parse(itemParamsSchema, req.params);
    await apply(req, res, hallId, updateItem(hallId, code, parse(itemBodySchema, req.body)));
  });
  r.delete('/api/halls/:hallId/items/:code', guard(), async (req, res) => {
    const { hallId, code } = parse(itemParamsSchema, req.params);
    await apply(req, res, hallId, deleteItem(hallId, code));
  });

  // Queues
  r.post('/api/halls/:hallId/queues', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    const c = createQueue(hallId, parse(queueBodySchema, req.body));
    await apply(req, res, hallId, c, 201, { id: c.id });
  });
  r.put('/api/halls/:hallId/queues/:queueId', guard(), async (req, res) => {
    const { hallId, queueId } = parse(queueParamsSchema, req.params);
    const b = parse(queueBodySchema, req.body);
    if (b.id !== undefined && b.id !== queueId)
      throw new HallError('HALL_ERR_BAD_REQUEST', 'the id in the body differs from the path');
    await apply(req, res, hallId, updateQueue(hallId, queueId, b));
  });
  r.delete('/api/halls/:hallId/queues/:queueId', guard(), async (req, res) => {
    const { hallId, queueId } = parse(queueParamsSchema, req.params);
    await apply(req, res, hallId, deleteQueue(hallId, queueId, today()));
  });

  // Windows (窗口) and their time periods
  r.post('/api/halls/:hallId/windows', guard(), async (req, res) => {
    const { hallId } = parse(configParamsSchema, req.params);
    const c = createWindow(hallId, parse(windowBodySchema, req.body));
    await apply(req, res, hallId, c, 201, { id: c.id });
  });
  r.put('/api/halls/:hallId/windows/:windowId', guard(), async (req, res) => {
    const { hallId, windowId } = parse(windowParamsSchema, req.params);
    const b = parse(windowBodySchema, req.body);
    if (b.id !== undefined && b.id !== windowId)
      throw new HallError('HALL_ERR_BAD_REQUEST', 'the id in the body differs from the path');
    await apply(req, res, hallId, updateWindow(hallId, windowId, b));
  });
  r.delete('/api/halls/:hallId/windows/:windowId', guard(), async (req, res) => {
    const { hallId, windowId } = parse(windowParamsSchema, req.params);
    await apply(req, res, hallId, deleteWindow(hallId, windowId, today()));
  });
  r.put('/api/halls/:hallId/windows/:windowId/periods', guard(), async (req, res) => {
    const { hallId, windowId } = parse(windowParamsSchema, req.params);
    await apply(req, res, hallId, replacePeriods(hallId, windowId, parse(periodsBodySchema, req.body)));
  });

  // Devices: a ticket machine's item set, a caller's window
  r.put('/api/halls/:hallId/devices/:deviceId/items', guard(), async (req, res) => {
    const { hallId, deviceId } = parse(deviceConfigParamsSchema, req.params);
    await apply(req, res, hallId, setDeviceItems(hallId, deviceId, parse(deviceItemsBodySchema, req.body).itemCodes));
  });
  r.put('/api/halls/:hallId/devices/:deviceId/window', guard(), async (req, res) => {
    const { hallId, deviceId } = parse(deviceConfigParamsSchema, req.params);
    await apply(req, res, hallId, setDeviceWindow(hallId, deviceId, parse(deviceWindowBodySchema, req.body).windowId));
  });
  return r;
}
