/**
 * Call → Dial: places outbound calls with POST /v2/voice. Every item is validated before the first request;
 * dials then run in a bounded pool; a 429 is retried (nothing was placed), an ambiguous failure never is.
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildDialAction } from '../../../shared/telesign/actions';
import {
	callMayHaveBeenPlacedMessage,
	callNotPlacedMessage,
	dialMayHaveBeenPlaced,
	interpretVoiceResponse,
} from '../../../shared/telesign/errors';
import { DEFAULT_TIMEOUT_MS, TransportError, sendTelesignRequest } from '../../../shared/telesign/transport';
import type { TelesignResponse } from '../../../shared/telesign/transport';
import { validateInteger } from '../../../shared/telesign/validation';
import type { NodeError } from '../common';
import { checkCredentials, errorItem, getOptions, telesignApiError, toNodeError } from '../common';
import { externalIdOption, dialNumberFields, maxCallDurationOption, readDialInput, sendDtmfOption } from '../dialFields';
import { runPool } from '../pool';

export const VOICE_PATH = '/v2/voice';
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;
export const DEFAULT_RATE_LIMIT_RETRIES = 3;
export const MAX_RATE_LIMIT_RETRIES = 10;
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 120_000;

const displayOptions = { show: { resource: ['call'], operation: ['dial'] } };

export const description: INodeProperties[] = [
	...dialNumberFields(
		displayOptions,
		'Must be a number your account leases from Telesign (Telesign answers caller_id_number_not_owned otherwise).',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
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
				description:
					'How long to wait for Telesign to answer a dial request, in milliseconds. A dial without an answer is reported, never retried: the call may have been placed.',
			},
		],
	},
];

export interface PreparedDial {
	body: IDataObject;
	externalId: string;
	to: string;
	callerIdNumber: string;
	retries: number;
	timeoutMs: number;
}

export type DialResult = { ok: true; json: IDataObject } | { ok: false; error: NodeError; fields: IDataObject };

/** A dial this node run already sent, and what came of it. */
export interface SentDial {
	to: string;
	callerIdNumber: string;
	externalId: string;
	result: DialResult;
	/** The error's description when it was sent (the node may add to it afterwards). */
	description?: string | null;
}

/**
 * The dials sent in each node run, by item. n8n's "Retry On Fail" runs execute() again with the same execution
 * data after the node failed: without this record every dial of the batch — accepted ones, and ones whose outcome
 * is unknown — would be sent again and ring people twice. Keyed weakly on the run's IExecuteData object (the same
 * object for every try of one run, a new one for each run, execution or loop iteration), so an entry lives exactly
 * as long as the run.
 */
const sentInRun = new WeakMap<object, Map<number, SentDial>>();

export function sentDialsOfThisRun(this: IExecuteFunctions): Map<number, SentDial> | undefined {
	if (typeof this.getExecuteData !== 'function') return undefined;
	let key: unknown;
	try {
		key = this.getExecuteData();
	} catch {
		return undefined;
	}
	if (key === null || typeof key !== 'object') return undefined;
	let sent = sentInRun.get(key);
	if (sent === undefined) {
		sent = new Map();
		sentInRun.set(key, sent);
	}
	return sent;
}

/**
 * What a dial sent by an earlier try of this run stands for now: the same result when it was accepted or may
 * have placed a call (it must not be sent again), undefined when it provably placed nothing (sending it again
 * is safe) or when the item now asks for a different call.
 */
export function reuseSentDial(this: IExecuteFunctions, itemIndex: number, dial: PreparedDial, sent: SentDial | undefined): DialResult | undefined {
	if (sent === undefined || sent.to !== dial.to || sent.callerIdNumber !== dial.callerIdNumber || sent.externalId !== dial.externalId) {
		return undefined;
	}
	if (sent.result.ok) return sent.result;
	if (sent.result.fields.call_may_have_been_placed !== true) return undefined;
	const error = new NodeOperationError(this.getNode(), sent.result.error.message, {
		itemIndex,
		description: `${sent.description ?? ''} The node ran again (n8n's Retry On Fail); this dial was not sent again.`.trim(),
	});
	return { ok: false, error, fields: sent.result.fields };
}

function prepareDial(this: IExecuteFunctions, itemIndex: number, earlierExternalId?: string): PreparedDial {
	const options = getOptions.call(this, itemIndex);
	const given = options.externalId;
	// Every dial gets an external_id, so that an ambiguous failure can always be reconciled. A retry of the node
	// keeps the one generated by the earlier try, so the dial is recognised as the same call.
	const externalId =
		given === undefined || given === null || String(given).trim() === '' ? (earlierExternalId ?? randomUUID()) : given;
	const action = buildDialAction({ ...readDialInput.call(this, itemIndex, options), externalId });
	return {
		body: action as unknown as IDataObject,
		externalId: action.params.external_id as string,
		to: action.params.to,
		callerIdNumber: action.params.caller_id_number,
		retries: validateInteger(
			options.rateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES,
			'Rate Limit Retries',
			0,
			MAX_RATE_LIMIT_RETRIES,
		),
		timeoutMs: validateInteger(options.timeout ?? DEFAULT_TIMEOUT_MS, 'Timeout', MIN_TIMEOUT_MS, MAX_TIMEOUT_MS),
	};
}

/** What an error item of an item that failed validation can still tell (raw values, nothing was sent). */
function rawFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields: IDataObject = { call_may_have_been_placed: false };
	try {
		fields.to = this.getNodeParameter('to', itemIndex) as IDataObject[string];
		const externalId = getOptions.call(this, itemIndex).externalId;
		if (externalId !== undefined && externalId !== '') fields.external_id = externalId;
	} catch {
		// Only decoration of an error item: a parameter that cannot be read stays out.
	}
	return fields;
}

function preparedFields(dial: PreparedDial, mayHaveBeenPlaced: boolean): IDataObject {
	return {
		external_id: dial.externalId,
		to: dial.to,
		caller_id_number: dial.callerIdNumber,
		call_may_have_been_placed: mayHaveBeenPlaced,
	};
}

export async function sendDial(this: IExecuteFunctions, itemIndex: number, dial: PreparedDial): Promise<DialResult> {
	const node = this.getNode();
	let response: TelesignResponse;
	try {
		response = await sendTelesignRequest.call(
			this,
			{ method: 'POST', path: VOICE_PATH, body: dial.body, timeoutMs: dial.timeoutMs },
			{ maxRetries: dial.retries },
		);
	} catch (error) {
		if (!(error instanceof TransportError)) {
			const message = callMayHaveBeenPlacedMessage((error as Error).message, dial.externalId);
			return { ok: false, error: new NodeOperationError(node, message, { itemIndex }), fields: preparedFields(dial, true) };
		}
		const placed = error.sent !== 'no';
		const detail = error.code ? ` (network error ${error.code})` : '';
		return {
			ok: false,
			error: new NodeOperationError(
				node,
				placed ? callMayHaveBeenPlacedMessage(error.message, dial.externalId) : callNotPlacedMessage(error.message),
				{
					itemIndex,
					description: placed
						? `Telesign did not answer the dial request${detail}. It may still have received it and placed the call to ${dial.to}.`
						: `The request never reached Telesign${detail}.`,
				},
			),
			fields: preparedFields(dial, placed),
		};
	}

	const outcome = interpretVoiceResponse(response.statusCode, response.body);
	if (outcome.ok) {
		const body = outcome.body;
		return {
			ok: true,
			json: {
				reference_id: typeof body.reference_id === 'string' ? body.reference_id : null,
				status: typeof body.status === 'string' ? body.status : 'dial_accepted',
				external_id: dial.externalId,
				to: dial.to,
				caller_id_number: dial.callerIdNumber,
				attempts: response.attempts,
			},
		};
	}

	const placed = dialMayHaveBeenPlaced(outcome.kind, outcome.httpCode);
	const facts = [
		`HTTP ${outcome.httpCode}`,
		outcome.status ? `Telesign status ${outcome.status}` : undefined,
		outcome.referenceId ? `reference_id ${outcome.referenceId}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	let error: NodeError;
	if (placed) {
		error = telesignApiError(node, outcome, itemIndex, {
			message: callMayHaveBeenPlacedMessage(`Telesign answered ${facts}`, dial.externalId),
			description: `${outcome.message}. ${outcome.description}`,
		});
	} else {
		const retried =
			outcome.kind === 'rate_limited' ? ` after ${response.attempts} attempt${response.attempts === 1 ? '' : 's'}` : '';
		const notPlaced = outcome.kind === 'rejected' ? '' : ' No call was placed.';
		error = telesignApiError(node, outcome, itemIndex, {
			message: `${outcome.message}${retried}`,
			description: `${outcome.description}${notPlaced} (${facts})`,
		});
	}
	const fields = preparedFields(dial, placed);
	fields.status = outcome.status;
	fields.reference_id = outcome.referenceId;
	fields.http_code = outcome.httpCode;
	return { ok: false, error, fields };
}

export function readConcurrency(this: IExecuteFunctions): number {
	try {
		const value = getOptions.call(this, 0).concurrency;
		return validateInteger(value ?? DEFAULT_CONCURRENCY, 'Concurrency', 1, MAX_CONCURRENCY);
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const concurrency = readConcurrency.call(this);
	const results: DialResult[] = new Array(items.length);
	const prepared = new Map<number, PreparedDial>();
	const sentBefore = sentDialsOfThisRun.call(this);

	// Every item is checked before the first request: an invalid item never sends anything, and without
	// "Continue On Fail" one invalid item stops the node before any call is placed.
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const sent = sentBefore?.get(itemIndex);
			const dial = prepareDial.call(this, itemIndex, sent?.externalId);
			const reused = reuseSentDial.call(this, itemIndex, dial, sent);
			if (reused) results[itemIndex] = reused;
			else prepared.set(itemIndex, dial);
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			results[itemIndex] = { ok: false, error: nodeError, fields: rawFields.call(this, itemIndex) };
		}
	}

	if (prepared.size > 0) {
		const credentialError = await checkCredentials.call(this);
		if (credentialError) {
			if (!continueOnFail) throw credentialError;
			for (const [itemIndex, dial] of prepared) {
				results[itemIndex] = { ok: false, error: credentialError, fields: preparedFields(dial, false) };
			}
			prepared.clear();
		}
	}

	// A dial of an earlier try that failed stops the node as it did then: no new dial is started.
	const failedBefore = !continueOnFail && results.some((result) => result !== undefined && !result.ok);
	const settled = await runPool(
		failedBefore ? [] : [...prepared.keys()],
		concurrency,
		async (itemIndex) => {
			const dial = prepared.get(itemIndex) as PreparedDial;
			let result: DialResult;
			try {
				result = await sendDial.call(this, itemIndex, dial);
			} catch (error) {
				result = { ok: false, error: toNodeError(node, error, itemIndex), fields: preparedFields(dial, true) };
			}
			sentBefore?.set(itemIndex, {
				to: dial.to,
				callerIdNumber: dial.callerIdNumber,
				externalId: dial.externalId,
				result,
				description: result.ok ? undefined : result.error.description,
			});
			return result;
		},
		{ stopOnFailure: !continueOnFail, isFailure: (result) => !result.ok },
	);
	for (const [itemIndex, dial] of prepared) {
		const outcome = settled.get(itemIndex);
		if (outcome === undefined) continue; // not started: an earlier dial failed and the node stops
		results[itemIndex] = outcome.ok
			? outcome.value
			: { ok: false, error: toNodeError(node, outcome.error, itemIndex), fields: preparedFields(dial, true) };
	}

	if (!continueOnFail) {
		const firstFailure = results.find((result) => result !== undefined && !result.ok);
		if (firstFailure && !firstFailure.ok) {
			const accepted = results.filter((result) => result?.ok).length;
			if (accepted > 0) {
				firstFailure.error.description = `${firstFailure.error.description ?? ''} ${accepted} other dial${accepted === 1 ? ' was' : 's were'} accepted by Telesign before the node stopped; their output is lost. Turn on "Continue On Fail" (node settings, On Error) to get one output item per call.`.trim();
			}
			throw firstFailure.error;
		}
	}

	const output: INodeExecutionData[] = [];
	results.forEach((result, itemIndex) => {
		if (result === undefined) return;
		output.push(
			result.ok
				? { json: result.json, pairedItem: { item: itemIndex } }
				: errorItem(result.error, itemIndex, result.fields),
		);
	});
	return output;
}
