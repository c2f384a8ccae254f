'use strict';
/** Counting a workflow's executions, a bounded worker pool and latency percentiles (the burst). */

/** Ids of a workflow's executions now (to tell new ones apart later). */
async function executionIds(n8n, workflowId) {
	return new Set((await n8n.executions(workflowId, { includeData: false })).map((e) => e.id));
}

/**
 * Waits until at least `count` new executions (ids not in `before`) have finished; light (no execution data).
 * Returns the finished new executions.
 */
async function waitForNewExecutions(
	n8n,
	workflowId,
	before,
	count,
	{ timeoutMs = 120_000, pollMs = 500 } = {},
) {
	const started = Date.now();
	for (;;) {
		const fresh = (await n8n.executions(workflowId, { includeData: false })).filter(
			(e) => !before.has(e.id),
		);
		const finished = fresh.filter(
			(e) => e.stoppedAt || ['success', 'error', 'crashed', 'canceled'].includes(e.status),
		);
		if (finished.length >= count) return { finished, all: fresh };
		if (Date.now() - started > timeoutMs) {
			throw new Error(
				`workflow ${workflowId}: ${finished.length}/${count} new finished executions after ${timeoutMs} ms`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

/** Runs fn(item, index) for every item with at most `concurrency` in flight; results in input order. */
async function runPool(items, concurrency, fn) {
	const results = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return results;
}

function percentile(sorted, p) {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

module.exports = { executionIds, waitForNewExecutions, runPool, percentile };
