'use strict';
/**
 * The Call and Wait part's sizes and goals (BENCH_CW_EXECUTIONS, BENCH_CW_ITEMS, BENCH_CW_BURST_*, BENCH_CW_CHAINS,
 * BENCH_CW_CHAIN_LENGTH, BENCH_CW_PARTS; see bench/README.md, part 4).
 */
const env = process.env;
const SCENARIOS = ['executions', 'items', 'escalation', 'burst'];

const CONFIG = {
	executions: Number(env.BENCH_CW_EXECUTIONS || 200),
	items: Number(env.BENCH_CW_ITEMS || 250),
	warmup: 10,
	/** Requests in flight while the calls are placed and finished (not while latency is measured). */
	poolSize: 8,
	goalRatio: 2,
	goalWaiting: 200,
	waitTimeoutMs: 300_000,
	/** The 16-way burst (lib/callAndWait/burst.js): measured calls (+ warm-up calls), events in flight, block size. */
	burst: {
		calls: Number(env.BENCH_CW_BURST_CALLS || 200),
		warmupCalls: Number(env.BENCH_CW_BURST_WARMUP || 16),
		concurrency: Number(env.BENCH_CW_BURST_CONCURRENCY || 16),
		block: 50,
	},
	/**
	 * On-call lists (lib/callAndWait/escalation.js): executions of one chain each, numbers per list (One After
	 * Another; the second acknowledges, so from the third on nobody may be called), and how long the next
	 * person's dial may take before it counts as missing.
	 */
	escalation: {
		chains: Number(env.BENCH_CW_CHAINS || 200),
		length: Number(env.BENCH_CW_CHAIN_LENGTH || 3),
		dialTimeoutMs: 30_000,
	},
	/** Which scenarios run (`node bench/callAndWait.js --burst`: the burst only). */
	scenarios: env.BENCH_CW_PARTS ? env.BENCH_CW_PARTS.split(',').map((v) => v.trim()) : SCENARIOS,
};
const unknown = CONFIG.scenarios.filter((v) => !SCENARIOS.includes(v));
if (unknown.length)
	throw new Error(
		`BENCH_CW_PARTS: unknown ${unknown.join(', ')} (allowed: ${SCENARIOS.join(', ')})`,
	);
if (!(CONFIG.escalation.length >= 2 && CONFIG.escalation.length <= 50))
	throw new Error('BENCH_CW_CHAIN_LENGTH: 2 to 50 numbers per on-call list');
const MESSAGE = 'Disk full on db-1. Press 1 to acknowledge.';

module.exports = { CONFIG, MESSAGE };
