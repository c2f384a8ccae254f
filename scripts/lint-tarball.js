#!/usr/bin/env node
'use strict';
/**
 * Runs the lint of n8n's community-package scanner (@n8n/scan-community-package, the same code n8n runs
 * before listing or verifying a package) on what would be published: the packed tarball (compiled .js and
 * package.json) and the source files the scanner reads (package.json, nodes/ and credentials/). Inline
 * `eslint-disable` comments are ignored, as in the real scan. The registry legs of the scanner (npm
 * provenance, downloading the attested commit) need a published version and are not run here.
 * Expects `npm run build` to have run.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

async function main() {
	const root = path.resolve(__dirname, '..');
	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-scan-'));
	const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	execFileSync('tar', ['-xzf', path.join(work, tgz), '-C', work]);
	const packageDir = path.join(work, 'package');
	const files = execFileSync('tar', ['-tzf', path.join(work, tgz)], { encoding: 'utf8' })
		.trim()
		.split('\n');
	console.log(
		`tarball ${tgz}: ${fs.statSync(path.join(work, tgz)).size} bytes, ${files.length} files`,
	);

	const source = await scanner.analyzePackage(root, scanner.SOURCE_FILE_PATTERNS);
	const dist = await scanner.analyzePackage(packageDir, ['**/*.js', 'package.json']);
	fs.rmSync(work, { recursive: true, force: true });
	let ok = true;
	for (const [name, result] of [
		['source (package.json, nodes/, credentials/)', source],
		['packed tarball (dist/*.js, package.json)', dist],
	]) {
		console.log(
			`${result.passed ? 'PASS' : 'FAIL'} scanner lint of the ${name}${result.message ? `: ${result.message}` : ''}`,
		);
		if (result.details) console.log(result.details);
		ok = ok && result.passed;
	}
	if (!ok) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
