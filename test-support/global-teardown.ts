import './global-setup';

/** jest globalTeardown: stops the run's PostgreSQL and deletes its files. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.gridDispatchTestCluster?.stop();
  globalThis.gridDispatchTestCluster = undefined;
}
