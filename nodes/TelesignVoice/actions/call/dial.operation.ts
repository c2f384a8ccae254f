/**
 * Call → Dial: places outbound calls with POST /v2/voice. Every item is validated before the first request;
 * dials then run in a bounded pool; a 429 is retried (nothing was placed), an ambiguous failure never is.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../../../shared/telesign/transport';
import { validateInteger } from '../../../shared/telesign/validation';
import type { NodeError } from '../nodeErrors';
import { errorItem, toNodeError } from '../nodeErrors';
import { getOptions, prepareItems } from '../runItems';
import { externalIdOption, dialNumberFields, maxCallDurationOption, sendDtmfOption } from '../dialFields';
import { runPool } from '../pool';
import type { DialResult, PreparedDial, SentDial } from './dial.steps';
import {
	DEFAULT_RATE_LIMIT_RETRIES,
	MAX_RATE_LIMIT_RETRIES,
	MAX_TIMEOUT_MS,
	MIN_TIMEOUT_MS,
	cancelledDial,
	mayHaveCalled,
	prepareDial,
	preparedFields,
	rawFields,
	reuseSentDial,
	sendDial,
	sentDialsOfThisRun,
} from './dial.steps';

// The dial steps are shared with other operations that dial; importing them from here keeps working.
export * from './dial.steps';

export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;

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
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: DEFAULT_CONCURRENCY,
				description:
					'How many dials are sent at the same time when the node receives many items (read from the first item). The output keeps the input order.',
			},
			{
				...externalIdOption,
				hint: 'Leave empty to get a generated ID (a UUID), returned as external_id.',
			},
			maxCallDurationOption,
			{
				displayName: 'Rate Limit Retries',
				name: 'rateLimitRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_RATE_LIMIT_RETRIES },
				default: DEFAULT_RATE_LIMIT_RETRIES,
				description:
					"How often a dial Telesign refused with 429 rate_limit_exceeded is sent again, waiting as Telesign's Retry-After header says (or backing off exponentially). Such a dial placed no call, so retrying it is safe.",
			},
			sendDtmfOption,
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: MIN_TIMEOUT_MS, maxValue: MAX_TIMEOUT_MS },
				default: DEFAULT_TIMEOUT_MS,
				hint: `In milliseconds (${DEFAULT_TIMEOUT_MS} = ${DEFAULT_TIMEOUT_MS / 1000} seconds), ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
				description:
					'How long to wait for Telesign to answer a dial request, in milliseconds. A dial without an answer is reported, never retried: the call may have been placed.',
			},
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export function readConcurrency(this: IExecuteFunctions): number {
	try {
		const value = getOptions.call(this, 0).concurrency;
		return validateInteger(value ?? DEFAULT_CONCURRENCY, 'Concurrency', 1, MAX_CONCURRENCY);
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

function isCancelled(this: IExecuteFunctions): boolean {
	return this.getExecutionCancelSignal?.()?.aborted === true;
}

/** One line per dial that placed or may have placed a call, for the error of a stopped batch. */
export function dialsThatMayHaveCalled(results: ReadonlyArray<DialResult | undefined>): IDataObject[] {
	const dials: IDataObject[] = [];
	results.forEach((result, itemIndex) => {
		if (result === undefined || !mayHaveCalled(result)) return;
		const fields = result.ok ? result.json : result.fields;
		dials.push({
			item_index: itemIndex,
			to: fields.to,
			reference_id: fields.reference_id ?? null,
			external_id: fields.external_id,
			call_may_have_been_placed: true,
		});
	});
	return dials;
}

/**
 * The error a batch stops with (no Continue On Fail): the first failure, plus every dial that placed or may
 * have placed a call, since the node's output (and with it their reference_id / external_id) is lost.
 */
export function stoppedBatchError(failure: NodeError, results: ReadonlyArray<DialResult | undefined>): NodeError {
	const dials = dialsThatMayHaveCalled(results);
	if (dials.length === 0) return failure;
	const lines = dials.map(
		(dial) => `item ${dial.item_index}: to ${dial.to}, reference_id ${dial.reference_id ?? 'unknown'}, external_id ${dial.external_id}`,
	);
	failure.description = [
		failure.description ?? '',
		`These dials were accepted by Telesign or may have placed a call before the node stopped: ${lines.join('; ')}.`,
		'Retrying this execution (Executions → Retry) calls them again: reconcile with these IDs first.',
		'Turn on "Continue On Fail" (node settings, On Error) to get one output item per call instead.',
	]
		.join(' ')
		.trim();
	failure.context.dials = dials;
	return failure;
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
