'use strict';
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  testTimeout: 30000,
  // Native engines and child processes: two workers match the two cores.
  maxWorkers: 2,
};
