/** The real-n8n suite: one n8n (installed and cached by scripts/install-n8n.sh) serves every test file. */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	testTimeout: 180000,
	maxWorkers: 1,
	// n8n is a child process stopped by the global teardown; don't wait on its closing pipes.
	forceExit: true,
};
