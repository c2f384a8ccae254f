'use strict';
/**
 * Makes sure Node 24 and the real n8n are installed in the cache (scripts/install-n8n.sh), builds and packs
 * this package the way it is published, and returns the paths. Shared by the e2e suite, the demo and the bench.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';

function log(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

/** Installs (first time only) and returns { node24, n8nBin }. */
function ensureN8n() {
	const started = Date.now();
	const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-n8n.sh')], {
		env: { ...process.env, N8N_VERSION },
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		maxBuffer: 16 * 1024 * 1024,
	});
	const values = Object.fromEntries(
		out
			.split('\n')
			.filter((line) => line.includes('='))
			.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
	);
	if (!values.NODE24 || !values.N8N) throw new Error(`install-n8n.sh printed no paths:\n${out}`);
	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	log(`n8n ${N8N_VERSION} ready (${seconds} s): ${values.N8N}`);
	return { node24: values.NODE24, n8nBin: values.N8N };
}

let packed;
/** Builds the package and packs it into a tarball exactly as `npm publish` would ship it. */
function buildAndPack({ skipBuild = process.env.E2E_SKIP_BUILD === '1' } = {}) {
	if (packed && fs.existsSync(packed)) return packed;
	if (!skipBuild) {
		log('building the package (npm run build)');
		execFileSync('npm', ['run', 'build', '--silent'], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-pack-'));
	const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const file = out.trim().split('\n').pop();
	packed = path.join(dir, file);
	log(`packed ${path.basename(packed)} (${fs.statSync(packed).size} bytes)`);
	return packed;
}

/** Installs the tarball into <userFolder>/.n8n/nodes, the way n8n installs community packages. */
function installPackageInto(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkg = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkg))
		fs.writeFileSync(pkg, JSON.stringify({ name: 'installed-nodes', private: true }));
	execFileSync(
		'npm',
		['install', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--silent', tarball],
		{
			cwd: nodesDir,
			stdio: ['ignore', 'ignore', 'inherit'],
		},
	);
	return nodesDir;
}

module.exports = { REPO_ROOT, N8N_VERSION, ensureN8n, buildAndPack, installPackageInto, log };
