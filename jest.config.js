/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // One PostgreSQL for the whole run; tests get databases of their own from test-support/database.ts.
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/test-support/global-teardown.ts',
  // On two cores Jest would run every file inside its main process, whose heap then holds what every e2e file leaves
  // behind (it ran out at 4 GB); with a limit, files run in a worker that is replaced once it holds more than this.
  workerIdleMemoryLimit: '1500MB',
};
