#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the unit tests (no n8n needed), the end-to-end suite in a real n8n, then the queue-mode suite
 * (n8n main + webhook processor + 2 workers on Postgres and Redis). All always run; the exit code is non-zero
 * if any fails. Ends with one summary line "total: N passed, N failed".
 * Set TEST_SUITES=unit (or e2e, queue, or a comma list) to run some of them.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'test', '.out');
fs.mkdirSync(outDir, { recursive: true });
const jestBin = require.resolve('jest/bin/jest');

const suites = [
	{ name: 'unit', config: 'jest.config.js' },
	{ name: 'e2e', config: 'test/e2e/jest.config.js', extra: ['--runInBand'] },
	{ name: 'queue', config: 'test/queue/jest.config.js', extra: ['--runInBand'] },
].filter((s) => !process.env.TEST_SUITES || process.env.TEST_SUITES.split(',').includes(s.name));

const totals = [];
let failed = false;
for (const suite of suites) {
	const report = path.join(outDir, `${suite.name}-results.json`);
	fs.rmSync(report, { force: true });
	console.log(`\n=== ${suite.name} tests ===`);
	const run = spawnSync(
		process.execPath,
		[jestBin, '--config', suite.config, '--json', `--outputFile=${report}`, ...(suite.extra || []), ...process.argv.slice(2)],
		{ cwd: root, stdio: 'inherit' },
	);
	let passed = 0;
	let failedTests = 0;
	if (fs.existsSync(report)) {
		const result = JSON.parse(fs.readFileSync(report, 'utf8'));
		passed = result.numPassedTests;
		failedTests = result.numFailedTests + (result.numRuntimeErrorTestSuites || 0);
	} else {
		failedTests = 1;
	}
	if (run.status !== 0 || failedTests > 0 || passed === 0) failed = true;
	totals.push({ name: suite.name, passed, failed: failedTests, status: run.status });
}

console.log('');
for (const t of totals) console.log(`${t.name}: ${t.passed} passed, ${t.failed} failed`);
const sum = totals.reduce((a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed }), { passed: 0, failed: 0 });
console.log(`total: ${sum.passed} passed, ${sum.failed} failed`);
process.exit(failed ? 1 : 0);
