import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  it('has working defaults for a laptop', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      jwtExpiresIn: '8h',
      cronEnabled: true,
    });
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses a production start without JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required when NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).env).toBe('production');
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', CRON_ENABLED: 'maybe' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const fields = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(fields.sort()).toEqual(['CRON_ENABLED', 'DATABASE_URL', 'JWT_SECRET', 'PORT']);
    }
  });

  it('treats empty variables as unset and coerces types', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: '',
      CRON_ENABLED: 'false',
      PUBLIC_URL: 'https://kakehashi.example.vn/',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      cronEnabled: false,
      publicUrl: 'https://kakehashi.example.vn',
    });
  });

  it('reads TRUST_PROXY as a switch, a hop count or a list of proxies, and rejects anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });
});
