'use strict';
/**
 * What `npm run bench` measures and how often, from the environment (see bench/README.md, "Options"), and the
 * fixed values every part shares: the simulator account, the Header Auth credential of n8n's own webhook.
 */
const path = require('path');
const { DEFAULT_ACCOUNT } = require('../../test/simulator');

const env = process.env;
const list = (value, fallback) =>
	value ? value.split(',').map((v) => Number(v.trim())) : fallback;
const ALL_PARTS = [
	'package',
	'events',
	'diagnostics',
	'patched',
	'legacy',
	'lazy',
	'queue',
	'dial',
];
const CONFIG = {
	items: 1000,
	reps: Number(env.BENCH_REPS || 5),
	warmups: Number(env.BENCH_WARMUPS || 1),
	latencies: list(env.BENCH_LATENCIES, [0, 50]),
	concurrencies: list(env.BENCH_CONCURRENCY, [10, 50]),
	// TSA (HMAC-signed) requests, node and floor: at this latency and concurrency only (the signing is CPU work).
	tsa: { latencyMs: 0, concurrency: 10 },
	events: {
		total: Number(env.BENCH_EVENTS || 1000),
		block: 100,
		warmup: 50,
		concurrencies: [1, 16],
	},
	diagnostics: { total: 200, block: 50, warmup: 20, concurrency: 1 },
	legacy: { total: 300, block: 100, warmup: 30, concurrencies: [1, 16] },
	// Queue mode: events through one webhook processor (main + webhook processor + 2 workers), one concurrency.
	queue: { total: Number(env.BENCH_QUEUE_EVENTS || 400), block: 100, warmup: 30, concurrency: 16 },
	// HTTP Request node: Batching settings tried before the measured repetitions (2 runs each, best one kept).
	batchingCandidates: [
		{ batchSize: 50, batchInterval: 0 },
		{ batchSize: 10, batchInterval: 1 },
		{ batchSize: 100, batchInterval: 1 },
		{ batchSize: 500, batchInterval: 1 },
	],
	port: Number(env.BENCH_PORT || 5710),
	timeoutMin: Number(env.BENCH_TIMEOUT_MIN || 60),
	only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : ALL_PARTS,
};
const BENCH_DIR = path.join(__dirname, '..');
const OUT_DIR = path.join(BENCH_DIR, '.out');
const RESULTS_MD = path.join(BENCH_DIR, 'RESULTS.md');
const ACCOUNT = { customerId: DEFAULT_ACCOUNT.customerId, apiKey: DEFAULT_ACCOUNT.apiKey };
const HEADER_AUTH = { name: 'X-Bench-Auth', value: 'bench-header-auth-value-0123456789' };
const SPEAK_CHECK = '"method":"speak"';

const has = (part) => CONFIG.only.includes(part);

module.exports = { CONFIG, ALL_PARTS, OUT_DIR, RESULTS_MD, ACCOUNT, HEADER_AUTH, SPEAK_CHECK, has };
