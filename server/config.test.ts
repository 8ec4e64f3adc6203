import { describe, it, expect } from 'vitest';
import { loadConfig } from './config.ts';
import { HallError } from '../contracts/index.ts';

describe('loadConfig', () => {
  it('uses embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.HTTP_PORT).toBe(8080);
    expect(c.MQTT_PORT).toBe(1883);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.SIM).toBe('on');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.CLICKHOUSE_URL).toBeUndefined();
    expect(c.MQTT_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { HTTP_PORT: number }).HTTP_PORT = 1;
    }).toThrow();
  });

  it('coerces numbers and accepts external engines', () => {
    const c = loadConfig({
      HTTP_PORT: '9000',
      MQTT_PORT: '18830',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/test',
      CLICKHOUSE_URL: 'http://ch:8123',
      MQTT_URL: 'mqtt://127.0.0.1:1883',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SIM: 'off',
    });
    expect(c).toMatchObject({ HTTP_PORT: 9000, MQTT_PORT: 18830, SIM: 'off', MQTT_URL: 'mqtt://127.0.0.1:1883' });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['HTTP_PORT', '70000'],
    ['MQTT_PORT', '-1'],
    ['SIM', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['MQTT_URL', 'not a url'],
    ['REDIS_URL', 'http://x'],
    ['PII_KEY', 'abc'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s with a coded error naming the variable', (key, value) => {
    try {
      loadConfig({ [key]: value });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(HallError);
      expect((e as HallError).code).toBe('HALL_ERR_CONFIG');
      expect((e as HallError).message).toContain(key);
    }
  });
});
