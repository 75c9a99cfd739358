import { ADMIN_URL_ENV, startTestCluster, TEMPLATE_ENV, type TestCluster } from './test-cluster';

declare global {
  // Shared with global-teardown.ts, which jest runs in this same process.
  var gridDispatchTestCluster: TestCluster | undefined;
}

/** jest globalSetup: one PostgreSQL for the run; test processes inherit the env vars. */
export default async function globalSetup(): Promise<void> {
  const cluster = await startTestCluster();
  globalThis.gridDispatchTestCluster = cluster;
  process.env[ADMIN_URL_ENV] = cluster.adminUrl;
  process.env[TEMPLATE_ENV] = cluster.template;
}
