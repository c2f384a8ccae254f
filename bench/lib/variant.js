'use strict';
/**
 * The bench's "without the credential cache" build: a copy of the packed tarball whose cache time limit is 0,
 * so every event reads the credential as before the cache existed. The switch lives only here (a throwaway
 * tarball in a temp folder), not in the product: no hidden parameter, no environment variable the package reads.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CACHE_FILE = 'package/dist/nodes/shared/credentialCache.js';
const TTL_LINE = /^exports\.CREDENTIAL_CACHE_TTL_MS = \d[\d_]*;$/m;

function noCacheTarball(tarball) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-bench-nocache-'));
	execFileSync('tar', ['-xzf', tarball, '-C', dir]);
	const file = path.join(dir, CACHE_FILE);
	const source = fs.readFileSync(file, 'utf8');
	if ((source.match(new RegExp(TTL_LINE, 'gm')) || []).length !== 1) {
		throw new Error(
			`${CACHE_FILE}: expected one "exports.CREDENTIAL_CACHE_TTL_MS = <n>;" line to switch the cache off`,
		);
	}
	fs.writeFileSync(file, source.replace(TTL_LINE, 'exports.CREDENTIAL_CACHE_TTL_MS = 0;'));
	const out = path.join(dir, `nocache-${path.basename(tarball)}`);
	execFileSync('tar', ['-czf', out, '-C', dir, 'package']);
	return out;
}

module.exports = { noCacheTarball };
