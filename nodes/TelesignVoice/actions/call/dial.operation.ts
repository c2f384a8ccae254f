/**
 * Call → Dial: places outbound calls with POST /v2/voice. Every item is validated before the first request;
 * dials then run in a bounded pool; a 429 is retried (nothing was placed), an ambiguous failure never is.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	concurrencyOption,
	dialNumberFields,
	externalIdOption,
	maxCallDurationOption,
	rateLimitRetriesOption,
	readConcurrency,
	sendDtmfOption,
	timeoutOption,
} from '../dialFields';
import { errorItem, toNodeError } from '../nodeErrors';
import { runPool } from '../pool';
import { prepareItems } from '../runItems';
import type { DialResult, PreparedDial, SentDial } from './dial.steps';
import {
	cancelledDial,
	prepareDial,
	preparedFields,
	rawFields,
	reuseSentDial,
	sendDial,
	sentDialsOfThisRun,
	stoppedBatchError,
} from './dial.steps';

const displayOptions = { show: { resource: ['call'], operation: ['dial'] } };

const properties: INodeProperties[] = [
	...dialNumberFields(
		'Must be a number your account leases from Telesign (Telesign answers caller_id_number_not_owned otherwise).',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			concurrencyOption,
			{
				...externalIdOption,
				hint: 'Leave empty to get a generated ID (a UUID), returned as external_id.',
			},
			maxCallDurationOption,
			rateLimitRetriesOption,
			sendDtmfOption,
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

function isCancelled(this: IExecuteFunctions): boolean {
	return this.getExecutionCancelSignal?.()?.aborted === true;
}

type Results = Array<DialResult | undefined>;

/**
 * Every item is checked before the first request: an invalid item never sends anything, and without
 * "Continue On Fail" one invalid item stops the node before any call is placed. An item whose dial an earlier
 * try of this run sent and that placed or may have placed a call is never prepared again.
 */
async function prepareAll(this: IExecuteFunctions, count: number, results: Results, sentBefore: Map<number, SentDial> | undefined) {
	return await prepareItems<PreparedDial>(this, count, {
		prepare: (itemIndex) => {
			const sent = sentBefore?.get(itemIndex);
			results[itemIndex] = reuseSentDial.call(this, itemIndex, sent);
			return results[itemIndex] ? undefined : prepareDial.call(this, itemIndex, sent?.externalId);
		},
		fail: (itemIndex, error, dial) => {
			results[itemIndex] = { ok: false, error, fields: dial ? preparedFields(dial, false) : rawFields.call(this, itemIndex) };
		},
		stop: (failure) => stoppedBatchError(failure, results),
	});
}

/** Sends the prepared dials in a pool, recording each for this run; fills `results` (unsent items stay empty). */
async function sendAll(
	this: IExecuteFunctions,
	prepared: Map<number, PreparedDial>,
	results: Results,
	sentBefore: Map<number, SentDial> | undefined,
): Promise<void> {
	const continueOnFail = this.continueOnFail();
	// A dial of an earlier try that failed stops the node as it did then: no new dial is started.
	const failedBefore = !continueOnFail && results.some((result) => result !== undefined && !result.ok);
	const settled = await runPool(
		failedBefore ? [] : [...prepared.keys()],
		readConcurrency.call(this),
		async (itemIndex) => {
			const dial = prepared.get(itemIndex) as PreparedDial;
			const result = await sendDial.call(this, itemIndex, dial);
			sentBefore?.set(itemIndex, { externalId: dial.externalId, result, description: result.ok ? undefined : result.error.description });
			return result;
		},
		{ stopOnFailure: !continueOnFail, isFailure: (result) => !result.ok, shouldStop: () => isCancelled.call(this) },
	);
	for (const [itemIndex, dial] of prepared) {
		const outcome = settled.get(itemIndex);
		if (outcome === undefined) {
			// Not started: the execution was stopped, or an earlier dial failed and the node stops.
			if (isCancelled.call(this)) results[itemIndex] = cancelledDial.call(this, itemIndex, dial);
			continue;
		}
		results[itemIndex] = outcome.ok
			? outcome.value
			: { ok: false, error: toNodeError(this.getNode(), outcome.error, itemIndex), fields: preparedFields(dial, true) };
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const continueOnFail = this.continueOnFail();
	readConcurrency.call(this); // an invalid Concurrency fails the node before anything else
	const results: Results = new Array(items.length);
	const sentBefore = sentDialsOfThisRun.call(this);
	const prepared = await prepareAll.call(this, items.length, results, sentBefore);
	await sendAll.call(this, prepared, results, sentBefore);

	if (!continueOnFail) {
		const firstFailure = results.find((result) => result !== undefined && !result.ok);
		if (firstFailure && !firstFailure.ok) throw stoppedBatchError(firstFailure.error, results);
	}
	const output: INodeExecutionData[] = [];
	results.forEach((result, itemIndex) => {
		if (result === undefined) return;
		output.push(
			result.ok ? { json: result.json, pairedItem: { item: itemIndex } } : errorItem(result.error, itemIndex, result.fields),
		);
	});
	return output;
}
