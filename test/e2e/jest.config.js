/** The real-n8n suite: one n8n (installed and cached by scripts/install-n8n.sh) serves every test file. */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	// The reliability suite's parts run in their numbered order, after the other files.
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	testTimeout: 180000,
	maxWorkers: 1,
	// n8n is a child process stopped by the global teardown; don't wait on its closing pipes.
	forceExit: true,
};
