'use strict';
/** Small statistics helpers (nearest-rank percentiles; medians of small samples). */

function sorted(values) {
	return [...values].sort((a, b) => a - b);
}

function median(values) {
	if (values.length === 0) return NaN;
	const s = sorted(values);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
function percentile(values, p) {
	if (values.length === 0) return NaN;
	const s = sorted(values);
	const rank = Math.max(1, Math.ceil((p / 100) * s.length));
	return s[Math.min(rank, s.length) - 1];
}

function min(values) {
	return values.length ? Math.min(...values) : NaN;
}

function max(values) {
	return values.length ? Math.max(...values) : NaN;
}

module.exports = { median, percentile, min, max };
