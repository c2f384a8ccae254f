/**
 * The queue-mode suite: n8n 2.41.1 as main + 2 webhook processors behind a balancer + 2 workers on Postgres and
 * Redis (harness/cluster.js; started by
 * the global setup, stopped by the global teardown, also when tests fail). Every `*.queue.test.js` file in
 * this folder runs against the same cluster; see harness/context.js for what a test file gets.
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/queue/**/*.queue.test.js'],
	globalSetup: '<rootDir>/test/queue/global-setup.js',
	globalTeardown: '<rootDir>/test/queue/global-teardown.js',
	testTimeout: 240000,
	maxWorkers: 1,
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	// n8n processes are children stopped by the global teardown; don't wait on their closing pipes.
	forceExit: true,
};
