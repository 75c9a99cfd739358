/**
 * The engine's own tests, in memory: no PostgreSQL (no global setup), no
 * gateway. `npm run test:engine`. The tests that need PostgreSQL (the golden
 * histories recorded through it, the read contract, the batch commit and its
 * statement, record retention) run with the whole suite (`npm test`).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  modulePathIgnorePatterns: base.modulePathIgnorePatterns,
  roots: ['<rootDir>/engine'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/engine/golden/golden-histories.test.ts', '/engine/read-contract.test.ts', '/engine/state/commit-batch.test.ts', '/engine/state/sql/write-batch.test.ts', '/engine/rest/auth.test.ts', '/engine/retention/record-retention.test.ts'],
};
