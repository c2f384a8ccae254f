/**
 * A small worker pool (runtime dependencies are not allowed in community nodes): runs a task for each index
 * with at most `concurrency` tasks in flight. Results are stored by index, so order is the input order.
 */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface PoolOptions<T> {
	/** Start no new task once one has failed (tasks already running still finish and are awaited). */
	stopOnFailure?: boolean;
	/** Whether a value a task returned counts as a failure (a thrown error always does). */
	isFailure?: (value: T) => boolean;
	/** Checked before each task starts: once it returns true no new task starts (e.g. the execution was stopped). */
	shouldStop?: () => boolean;
}

/**
 * Runs `task(index)` for every index in `indexes`. Never rejects: every started task settles into the result,
 * tasks not started (after a failure with stopOnFailure, or once shouldStop) are absent. Resolves only when every started task
 * has settled, so nothing is left running unobserved.
 */
export async function runPool<T>(
	indexes: readonly number[],
	concurrency: number,
	task: (index: number) => Promise<T>,
	options: PoolOptions<T> = {},
): Promise<Map<number, Settled<T>>> {
	const results = new Map<number, Settled<T>>();
	let next = 0;
	let failed = false;
	const worker = async () => {
		while (next < indexes.length && !(options.stopOnFailure && failed) && !options.shouldStop?.()) {
			const index = indexes[next++];
			try {
				const value = await task(index);
				if (options.isFailure?.(value)) failed = true;
				results.set(index, { ok: true, value });
			} catch (error) {
				failed = true;
				results.set(index, { ok: false, error });
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, indexes.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
