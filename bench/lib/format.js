'use strict';
/** How the bench's tables print times, ratios and memory, and the table's header (one shape for every part). */

const fmtMs = (ms) =>
	ms === undefined || !Number.isFinite(ms)
		? '–'
		: ms >= 1000
			? `${(ms / 1000).toFixed(2)} s`
			: ms >= 10
				? `${ms.toFixed(0)} ms`
				: `${ms.toFixed(1)} ms`;
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const fmtMb = (kb) => (kb === undefined ? '–' : `${(kb / 1024).toFixed(0)} MB`);

const TABLE_HEADER = [
	'| Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | Peak RSS n8n (growth in the run) | Check |',
	'|---|---|---:|---:|---:|---:|---:|---:|---|',
];

/** `- ✅ met: <target> — <value>` lines under the table. */
const targetLines = (targets) =>
	targets.map((t) => `- ${t.met ? '✅ met' : '❌ missed'}: ${t.target} — ${t.value}`);

module.exports = { fmtMs, fmtX, fmtMb, TABLE_HEADER, targetLines };
