#!/usr/bin/env node
'use strict';
/**
 * Puts the key figures of several bench runs side by side (to check that runs agree within noise):
 *   node bench/compare.js bench/.out/results-A.json bench/.out/results-B.json …
 * Prints a markdown table: one row per figure, one column per run, and the spread (max/min − 1).
 */
const fs = require('fs');
const path = require('path');

const files = process.argv.slice(2);
if (files.length === 0) {
	process.stderr.write('usage: node bench/compare.js <results.json> [<results.json> …]\n');
	process.exit(2);
}
const runs = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));

/** The figures compared: [label, fn(run) → number | undefined, format]. */
const figures = [];
const x = (v) => `${v.toFixed(2)}×`;
const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
for (const latencyMs of [0, 50]) {
	const dial = (run, label) =>
		run.dial?.results.find((r) => r.latencyMs === latencyMs && r.label === label);
	for (const c of [10, 50]) {
		figures.push([
			`dial ${latencyMs} ms c${c}: node / floor`,
			(r) => dial(r, `node c${c}`)?.wallMs / dial(r, `floor c${c}`)?.wallMs,
			x,
		]);
	}
	figures.push([
		`dial ${latencyMs} ms c10: node / HTTP Request default`,
		(r) => dial(r, 'node c10')?.wallMs / dial(r, 'HTTP Request default')?.wallMs,
		x,
	]);
	figures.push([
		`dial ${latencyMs} ms c10: node wall time`,
		(r) => dial(r, 'node c10')?.wallMs,
		ms,
	]);
	figures.push([
		`dial ${latencyMs} ms c10: floor wall time`,
		(r) => dial(r, 'floor c10')?.wallMs,
		ms,
	]);
}
for (const c of [1, 16]) {
	const ev = (run, name) => run.events?.find((r) => r.pipeline === name && r.concurrency === c);
	figures.push([
		`events c${c}: p50 trigger / Webhook→Set`,
		(r) => ev(r, 'telesign')?.p50 / ev(r, 'builtin')?.p50,
		x,
	]);
	figures.push([`events c${c}: p50 Webhook→Set`, (r) => ev(r, 'builtin')?.p50, ms]);
	figures.push([`events c${c}: p50 trigger`, (r) => ev(r, 'telesign')?.p50, ms]);
}
const diag = (run, name) => run.diagnostics?.find((r) => r.pipeline === name);
figures.push([
	'diagnostic: p50 Header-Auth Webhook / Webhook',
	(r) => diag(r, 'builtin-auth')?.p50 / diag(r, 'builtin')?.p50,
	x,
]);
figures.push([
	'diagnostic: p50 trigger (auth None) / Webhook',
	(r) => diag(r, 'telesign-noauth')?.p50 / diag(r, 'builtin')?.p50,
	x,
]);
const legacy = (run, name, c) =>
	run.legacy?.find((r) => r.pipeline === name && r.concurrency === c);
figures.push([
	'legacy engine c1: p50 trigger / Webhook→Set',
	(r) => legacy(r, 'telesign', 1)?.p50 / legacy(r, 'builtin', 1)?.p50,
	x,
]);
figures.push(['package: tarball', (r) => r.package?.size, (v) => `${(v / 1000).toFixed(1)} kB`]);

const header = [
	'Figure',
	...runs.map((r, i) => `${path.basename(files[i]).replace(/^results-|\.json$/g, '')}`),
	'Spread',
];
const lines = [
	`| ${header.join(' | ')} |`,
	`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
];
for (const [label, get, fmt] of figures) {
	const values = runs.map((r) => {
		const v = get(r);
		return Number.isFinite(v) ? v : undefined;
	});
	const present = values.filter((v) => v !== undefined);
	if (present.length === 0) continue;
	const spread =
		present.length > 1
			? `${((Math.max(...present) / Math.min(...present) - 1) * 100).toFixed(0)} %`
			: '–';
	lines.push(
		`| ${label} | ${values.map((v) => (v === undefined ? '–' : fmt(v))).join(' | ')} | ${spread} |`,
	);
}
process.stdout.write(`${lines.join('\n')}\n`);
