/**
 * The API harness as the service runs it for managers — GraphQL at /graphql
 * and the monitor page at /monitor on one loopback port — plus a headless
 * Chromium (Debian's, driven by playwright-core) to look at it.
 */
import { chromium, type Browser } from 'playwright-core';
import { monitorRouter } from '../web/monitor-router';
import { useApiHarness, type ApiHarness } from './api-harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface MonitorHarness extends ApiHarness {
  readonly browser: Browser;
}

export function useMonitorHarness(): MonitorHarness {
  let browser: Browser | undefined;
  const api = useApiHarness({
    routes: [{ path: '/monitor', handler: monitorRouter() }],
    taskList: { reconcileIntervalMs: 500, recheckMs: 1_000 },
    extension: {
      async start() {
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          // Nothing beyond 127.0.0.1: no component updates, no safe-browsing lists.
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        });
      },
      async stop() {
        await browser?.close();
      },
    },
  });
  return Object.defineProperty(Object.create(api) as MonitorHarness, 'browser', {
    get() {
      if (browser === undefined) throw new Error('the monitor harness is not started yet: use it inside tests or hooks');
      return browser;
    },
  });
}
