'use strict';
/** The Call and Wait part's sizes and goals (BENCH_CW_EXECUTIONS, BENCH_CW_ITEMS; see bench/README.md, part 4). */
const env = process.env;

const CONFIG = {
	executions: Number(env.BENCH_CW_EXECUTIONS || 200),
	items: Number(env.BENCH_CW_ITEMS || 250),
	warmup: 10,
	/** Requests in flight while the calls are placed and finished (not while latency is measured). */
	poolSize: 8,
	goalRatio: 2,
	goalWaiting: 200,
	waitTimeoutMs: 300_000,
};
const MESSAGE = 'Disk full on db-1. Press 1 to acknowledge.';

module.exports = { CONFIG, MESSAGE };
