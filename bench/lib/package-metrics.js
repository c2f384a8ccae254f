'use strict';
/**
 * Package figures, all read from the one tarball that is also installed into n8n (so a concurrent rebuild of
 * dist/ in the shared tree cannot skew them): its size (as `npm pack` wrote it), file count and unpacked
 * size, the runtime dependency count of its package.json, and the time a fresh Node process takes to
 * require() the node and credential modules (median of several processes). The load time is split:
 * n8n-workflow (a peer dependency that n8n has already loaded) vs the package's own modules.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { median, min, max } = require('./stats');

/** Source files that must each have a compiled .js in the tarball (a half-built dist/ fails this). */
function expectedJsFiles(root) {
	const out = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
			const rel = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(rel);
			else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
				out.push(`package/dist/${rel.replace(/\.ts$/, '.js')}`);
		}
	};
	walk('nodes');
	walk('credentials');
	return out;
}

function tarballEntries(tarball) {
	return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
}

/** Whether the tarball holds every compiled module (false when dist/ was being rebuilt while it was packed). */
function tarballComplete(root, tarball) {
	const entries = new Set(tarballEntries(tarball));
	return expectedJsFiles(root).every((f) => entries.has(f));
}

function dirSize(dir) {
	let total = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		total += entry.isDirectory() ? dirSize(p) : fs.statSync(p).size;
	}
	return total;
}

const LOAD_SCRIPT = `
const t0 = process.hrtime.bigint();
require('n8n-workflow');
const t1 = process.hrtime.bigint();
for (const f of JSON.parse(process.argv[1])) {
	const m = require(f);
	for (const k of Object.keys(m)) if (typeof m[k] === 'function') new m[k]();
}
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ workflowMs: Number(t1 - t0) / 1e6, ownMs: Number(t2 - t1) / 1e6 }));
`;

/** require() + instantiate every node and credential class, in `runs` fresh processes of `nodeBin`. */
function loadTimes(packageDir, nodeModules, nodeBin, files, runs = 7) {
	const abs = files.map((f) => path.join(packageDir, f));
	const samples = [];
	for (let i = 0; i < runs + 1; i++) {
		const out = execFileSync(nodeBin, ['-e', LOAD_SCRIPT, JSON.stringify(abs)], {
			cwd: packageDir,
			encoding: 'utf8',
			timeout: 60_000,
			env: { PATH: process.env.PATH, NODE_PATH: nodeModules },
		});
		if (i > 0) samples.push(JSON.parse(out)); // the first process warms the file cache
	}
	const own = samples.map((s) => s.ownMs);
	return {
		ownMs: median(own),
		ownMin: min(own),
		ownMax: max(own),
		workflowMs: median(samples.map((s) => s.workflowMs)),
		runs,
	};
}

function packageMetrics(root, tarball, nodeBin) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-bench-pkg-'));
	try {
		execFileSync('tar', ['-xzf', tarball, '-C', work]);
		const packageDir = path.join(work, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		const files = [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])];
		const entries = tarballEntries(tarball);
		return {
			size: fs.statSync(tarball).size,
			unpackedSize: dirSize(packageDir),
			entryCount: entries.length,
			largest: entries
				.map((e) => ({
					path: e.replace(/^package\//, ''),
					size: fs.statSync(path.join(work, e)).size,
				}))
				.sort((a, b) => b.size - a.size)
				.slice(0, 3),
			dependencies: Object.keys(pkg.dependencies || {}).length,
			bundled: (pkg.bundleDependencies || pkg.bundledDependencies || []).length,
			peer: Object.keys(pkg.peerDependencies || {}),
			files,
			load: loadTimes(packageDir, path.join(root, 'node_modules'), nodeBin, files),
		};
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

module.exports = { packageMetrics, tarballComplete };
