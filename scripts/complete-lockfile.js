#!/usr/bin/env node
'use strict';
/**
 * Completes package-lock.json with the optional, platform-specific packages the registry mirror of the
 * development machines does not serve (e.g. unrs-resolver's darwin/win32/android bindings, pulled in by the
 * lint tooling). npm then writes a lock without them, and `npm ci` refuses such a lock ("Missing: … from lock
 * file"). Each added entry carries its `os`/`cpu` (and `libc`), so npm skips it on other platforms without
 * fetching it. Run after any `npm install` that rewrites the lock:  node scripts/complete-lockfile.js
 * (`--check` only reports, exit 1 when entries are missing).
 */
const fs = require('fs');
const path = require('path');

const LOCK = path.resolve(__dirname, '..', 'package-lock.json');
const OS = {
	android: 'android',
	darwin: 'darwin',
	freebsd: 'freebsd',
	linux: 'linux',
	openharmony: 'openharmony',
	win32: 'win32',
	sunos: 'sunos',
	netbsd: 'netbsd',
	openbsd: 'openbsd',
	aix: 'aix',
};
const CPU = {
	arm: 'arm',
	arm64: 'arm64',
	x64: 'x64',
	ia32: 'ia32',
	loong64: 'loong64',
	ppc64: 'ppc64',
	riscv64: 'riscv64',
	s390x: 's390x',
	mips64el: 'mips64el',
};

/** os/cpu/libc of a platform package from its name, e.g. "@unrs/resolver-binding-linux-arm64-musl". */
function platformOf(name) {
	const tail = name.split('/').pop();
	if (/wasm32/.test(tail)) return { cpu: ['wasm32'] };
	const parts = tail.split('-');
	for (let i = 0; i < parts.length - 1; i++) {
		if (OS[parts[i]] && CPU[parts[i + 1]]) {
			const result = { os: [OS[parts[i]]], cpu: [CPU[parts[i + 1]]] };
			const rest = parts.slice(i + 2).join('-');
			if (/musl/.test(rest)) result.libc = ['musl'];
			else if (/gnu/.test(rest)) result.libc = ['glibc'];
			return result;
		}
	}
	return undefined;
}

function main() {
	const check = process.argv.includes('--check');
	const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
	const packages = lock.packages;
	const added = [];
	for (const [location, entry] of Object.entries(packages)) {
		for (const [name, range] of Object.entries(entry.optionalDependencies || {})) {
			const base = location === '' ? '' : `${location}/`;
			const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
			if (candidates.some((c) => packages[c])) continue;
			const platform = platformOf(name);
			const version = String(range).replace(/^[\^~=]/, '');
			if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
			const file = `${name.split('/').pop()}-${version}.tgz`;
			packages[`node_modules/${name}`] = {
				version,
				resolved: `https://registry.npmjs.org/${name}/-/${file}`,
				optional: true,
				...platform,
			};
			added.push(`${name}@${version}`);
		}
	}
	if (check) {
		if (added.length) {
			console.error(
				`package-lock.json lacks ${added.length} optional platform packages; run: node scripts/complete-lockfile.js`,
			);
			process.exit(1);
		}
		return;
	}
	if (added.length) {
		lock.packages = Object.fromEntries(
			Object.entries(packages).sort(([a], [b]) =>
				a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
			),
		);
		fs.writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
	}
	console.log(
		added.length ? `added ${added.length}: ${added.join(', ')}` : 'package-lock.json is complete',
	);
}

main();
