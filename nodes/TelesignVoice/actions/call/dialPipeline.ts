/**
 * The one dial pipeline every operation that places calls goes through (Call → Dial, Call → Call and Wait for
 * Response):
 * 1. every item is read and validated before the first request (an invalid item never sends anything; without
 *    Continue On Fail it stops the node before any call is placed), then the credential is checked once;
 * 2. the dials are sent in a bounded pool (Concurrency), 429s waited out by the transport, and no new dial starts
 *    once the execution is stopped (the unsent ones are "not placed") or, without Continue On Fail, once one failed;
 * 3. n8n's Retry On Fail never sends again a dial an earlier try of this run sent and that placed or may have
 *    placed a call (dial.steps.ts, sentDialsOfThisRun), whatever the item's fields evaluate to now;
 * 4. without Continue On Fail the node stops with the first failure, naming every dial that may have called.
 * An item may stand for more than one dial (Call and Wait's on-call list: `send` dials the chain's first calls
 * and returns one result for the item); steps 2-4 hold for the item as a whole.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { toNodeError } from '../nodeErrors';
import { runPool } from '../pool';
import { prepareItems } from '../runItems';
import { readConcurrency } from '../dialFields';
import type { DialResult, PreparedDial } from './dial.steps';
import {
	cancelledDial,
	preparedFields,
	rawFields,
	reuseSentDial,
	sendDial,
	sentDialsOfThisRun,
	stoppedBatchError,
} from './dial.steps';

/** What an operation prepares for one item: the dial, plus whatever else it needs afterwards. */
export interface DialJob {
	dial: PreparedDial;
}

/** What the pipeline tells `prepare` about an earlier try of this run (n8n's Retry On Fail). */
export interface EarlierTry {
	/** The external_id the earlier try sent (reused, so the dial stays recognisable). */
	externalId?: string;
	/** The earlier try placed or may have placed this item's call: its result is reused, nothing is sent. */
	reused: boolean;
}

/** Results by item index; an item left empty was never sent (an earlier dial failed and the node stopped). */
export type DialResults = Array<DialResult | undefined>;

export interface DialRun<J extends DialJob> {
	jobs: Map<number, J>;
	results: DialResults;
}

function isCancelled(this: IExecuteFunctions): boolean {
	return this.getExecutionCancelSignal?.()?.aborted === true;
}

/**
 * Runs the pipeline over `count` items. `prepare` reads and validates one item and may return undefined for an
 * item whose earlier dial is reused and that needs nothing else. Without Continue On Fail a failure throws the
 * batch's error; with it, every item has a result (or none when the execution was stopped before preparing it).
 * (Takes the context as a parameter: `.call` would lose the type of J.)
 */
export async function runDialPipeline<J extends DialJob>(
	context: IExecuteFunctions,
	count: number,
	prepare: (itemIndex: number, earlier: EarlierTry) => J | undefined,
	send: (itemIndex: number, job: J) => Promise<DialResult> = async (itemIndex, job) =>
		await sendDial.call(context, itemIndex, job.dial),
): Promise<DialRun<J>> {
	const continueOnFail = context.continueOnFail();
	const concurrency = readConcurrency.call(context); // an invalid Concurrency fails the node before anything else
	const results: DialResults = new Array(count);
	const sentBefore = sentDialsOfThisRun.call(context);
	const jobs = await prepareItems<J>(context, count, {
		prepare: (itemIndex) => {
			const sent = sentBefore?.get(itemIndex);
			results[itemIndex] = reuseSentDial.call(context, itemIndex, sent);
			return prepare(itemIndex, {
				externalId: sent?.externalId,
				reused: results[itemIndex] !== undefined,
			});
		},
		fail: (itemIndex, error, job) => {
			if (results[itemIndex] !== undefined) return; // an earlier try's call stands, whatever failed now
			results[itemIndex] = {
				ok: false,
				error,
				fields: job ? preparedFields(job.dial, false) : rawFields.call(context, itemIndex),
			};
		},
		stop: (failure) => stoppedBatchError(failure, results),
	});
	const toSend = [...jobs.keys()].filter((itemIndex) => results[itemIndex] === undefined);
	// A dial of an earlier try that failed stops the node as it did then: no new dial is started.
	const failedBefore =
		!continueOnFail && results.some((result) => result !== undefined && !result.ok);
	const settled = await runPool(
		failedBefore ? [] : toSend,
		concurrency,
		async (itemIndex) => {
			const job = jobs.get(itemIndex) as J;
			const { dial } = job;
			const result = await send(itemIndex, job);
			sentBefore?.set(itemIndex, {
				externalId: dial.externalId,
				result,
				description: result.ok ? undefined : result.error.description,
			});
			return result;
		},
		{
			stopOnFailure: !continueOnFail,
			isFailure: (result) => !result.ok,
			shouldStop: () => isCancelled.call(context),
		},
	);
	for (const itemIndex of toSend) {
		const { dial } = jobs.get(itemIndex) as J;
		const outcome = settled.get(itemIndex);
		if (outcome === undefined) {
			// Not started: the execution was stopped, or an earlier dial failed and the node stops.
			if (isCancelled.call(context))
				results[itemIndex] = cancelledDial.call(context, itemIndex, dial);
			continue;
		}
		results[itemIndex] = outcome.ok
			? outcome.value
			: {
					ok: false,
					error: toNodeError(context.getNode(), outcome.error, itemIndex),
					fields: preparedFields(dial, true),
				};
	}
	if (!continueOnFail) {
		const firstFailure = results.find((result) => result !== undefined && !result.ok);
		if (firstFailure && !firstFailure.ok) throw stoppedBatchError(firstFailure.error, results);
	}
	return { jobs, results };
}
