/**
 * Without authentication (GATEWAY_AUTH=none) the service refuses to
 * start it beyond loopback (one line naming the setting, exit code 1, before
 * anything listens) unless the operator explicitly allows it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(60_000);

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

test.each(['0.0.0.0', '::'])('GATEWAY_HOST=%s without authentication: refused at start with one clear line', (host) => {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { ...process.env, GATEWAY_HOST: host, GATEWAY_ALLOW_UNAUTHENTICATED: '', GATEWAY_AUTH: '', ZEEBE_ADDRESS: '' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(
    `GATEWAY_HOST: ${host} is beyond loopback and the embedded Zeebe gateway has no authentication: set GATEWAY_AUTH=jwt, or listen on 127.0.0.1, or set GATEWAY_ALLOW_UNAUTHENTICATED=true where only trusted peers reach it\n`,
  );
  expect(result.stdout).toBe('');
});
