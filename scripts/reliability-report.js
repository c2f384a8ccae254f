#!/usr/bin/env node
'use strict';
/**
 * `npm run test:reliability-report`: publishes the reliability and security suite's last complete report. The
 * e2e run writes it to test/.out/RELIABILITY.md (a run that skipped a category or shortened the burst writes
 * test/.out/reliability-partial.md instead, which is never published); this copies it to the tracked
 * test/RELIABILITY.md. Tests never write tracked files themselves: a checkout stays clean after `npm test`.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const generated = path.join(root, 'test', '.out', 'RELIABILITY.md');
const published = path.join(root, 'test', 'RELIABILITY.md');

if (!fs.existsSync(generated)) {
	console.error(
		'No complete report in test/.out/RELIABILITY.md: run the e2e suite first (TEST_SUITES=e2e npm test).',
	);
	process.exit(1);
}
fs.copyFileSync(generated, published);
console.log(
	`test/RELIABILITY.md updated from the run of ${fs.statSync(generated).mtime.toISOString()}`,
);
