/**
 * Unit and engine tests: run without a real n8n (the real-n8n suite is test/e2e, started by `npm run test:e2e`).
 * test/engine runs small workflows through n8n-core's own WorkflowExecute.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: [
		'**/test/unit/**/*.test.ts',
		'**/test/unit/**/*.test.js',
		'**/test/simulator/**/*.test.js',
		'**/test/engine/**/*.engine.test.js',
	],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
	moduleFileExtensions: ['ts', 'js', 'json'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/stopTimers.js'],
	testTimeout: 20000,
};
