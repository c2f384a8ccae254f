#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the unit tests (no n8n needed; the engine tests under n8n's legacy expression engine), the engine
 * tests again under n8n's production "vm" expression engine (engine-vm: Node 24 from scripts/install-n8n.sh's
 * cache, see test/engine/jest.vm.config.js), the end-to-end suite in a real n8n, then the queue-mode suite
 * (n8n main + webhook processor + 2 workers on Postgres and Redis). All always run; the exit code is non-zero
 * if any fails. Ends with one summary line "total: N passed, N failed".
 * Set TEST_SUITES=unit (or engine-vm, e2e, queue, or a comma list) to run some of them.
 * Reports go to test/.out/ only: running the tests changes no tracked file.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'test', '.out');
fs.mkdirSync(outDir, { recursive: true });
const jestBin = require.resolve('jest/bin/jest');

/** The Node 24 of the e2e cache (installed on first use, ~30 MB), on which isolated-vm's prebuilt addon loads. */
function node24() {
	const install = spawnSync('bash', [path.join(root, 'scripts', 'install-n8n.sh'), '--node-only'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const found = /^NODE24=(.+)$/m.exec(install.stdout || '');
	if (install.status !== 0 || !found)
		throw new Error(`scripts/install-n8n.sh --node-only failed (exit ${install.status})`);
	return found[1];
}

const suites = [
	{ name: 'unit', config: 'jest.config.js' },
	{
		name: 'engine-vm',
		config: 'test/engine/jest.vm.config.js',
		node: node24,
		nodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
		env: { ENGINE_TEST_EXPRESSION_ENGINE: 'vm' },
	},
	{ name: 'e2e', config: 'test/e2e/jest.config.js', extra: ['--runInBand'] },
	{ name: 'queue', config: 'test/queue/jest.config.js', extra: ['--runInBand'] },
].filter((s) => !process.env.TEST_SUITES || process.env.TEST_SUITES.split(',').includes(s.name));

const totals = [];
let failed = false;
for (const suite of suites) {
	const report = path.join(outDir, `${suite.name}-results.json`);
	fs.rmSync(report, { force: true });
	console.log(`\n=== ${suite.name} tests ===`);
	let nodeBin = process.execPath;
	try {
		if (suite.node) nodeBin = suite.node();
	} catch (error) {
		console.error(`${suite.name}: ${error.message}`);
		failed = true;
		totals.push({ name: suite.name, passed: 0, failed: 1, status: null });
		continue;
	}
	const run = spawnSync(
		nodeBin,
		[
			...(suite.nodeArgs || []),
			jestBin,
			'--config',
			suite.config,
			'--json',
			`--outputFile=${report}`,
			...(suite.extra || []),
			...process.argv.slice(2),
		],
		{ cwd: root, stdio: 'inherit', env: { ...process.env, ...suite.env } },
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
const sum = totals.reduce(
	(a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed }),
	{ passed: 0, failed: 0 },
);
console.log(`total: ${sum.passed} passed, ${sum.failed} failed`);
process.exit(failed ? 1 : 0);
