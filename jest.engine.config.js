/**
 * The engine's own tests, in memory: no PostgreSQL (no global setup), no
 * gateway. `npm run test:engine`. The golden histories recorded through
 * PostgreSQL run with the whole suite (`npm test`).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  modulePathIgnorePatterns: base.modulePathIgnorePatterns,
  roots: ['<rootDir>/engine'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/engine/golden/golden-histories.test.ts'],
};
