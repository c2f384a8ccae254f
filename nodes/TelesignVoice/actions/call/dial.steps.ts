/**
 * The steps of placing one dial, shared by every operation that dials (Call → Dial and others): prepare
 * (read and validate an item), send (POST /v2/voice, classify the outcome), and the per-run record that keeps
 * n8n's Retry On Fail from ever sending an accepted or possibly placed dial twice.
 * https://developer.telesign.com/enterprise/reference/voice-outbound-call
 */
import { createHash, randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildDialAction } from '../../../shared/telesign/actions';
import {
	callMayHaveBeenPlacedMessage,
	callNotPlacedMessage,
	dialMayHaveBeenPlaced,
	interpretVoiceResponse,
} from '../../../shared/telesign/errors';
import {
	CANCELLED_CODE,
	DEFAULT_TIMEOUT_MS,
	TransportError,
	sendTelesignRequest,
} from '../../../shared/telesign/transport';
import type { TelesignResponse } from '../../../shared/telesign/transport';
import { validateInteger } from '../../../shared/telesign/validation';
import type { NodeError } from '../nodeErrors';
import { telesignApiError } from '../nodeErrors';
import { getOptions } from '../runItems';
import { readDialInput } from '../dialFields';

export const VOICE_PATH = '/v2/voice';
export const DEFAULT_RATE_LIMIT_RETRIES = 3;
export const MAX_RATE_LIMIT_RETRIES = 10;
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 120_000;
/** Custom execution data key holding the id of the execution a chain of n8n "Retry"s started from. */
export const ORIGIN_EXECUTION_KEY = 'telesign_voice_execution';

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
	externalId: string;
	result: DialResult;
	/** The error's description when it was sent (the node may add to it afterwards). */
	description?: string | null;
}

/**
 * The dials sent in each node run, by item. n8n's "Retry On Fail" runs execute() again with the same execution
 * data after the node failed (or, with Continue On Fail, when its first output item is an error item): without
 * this record, accepted dials and dials whose outcome is unknown would be sent again and ring people twice.
 * Keyed weakly on the run's IExecuteData object (the same object for every try of one run, a new one for each
 * run, execution or loop iteration), so an entry lives exactly as long as the run.
 */
const sentInRun = new WeakMap<object, Map<number, SentDial>>();

export function sentDialsOfThisRun(this: IExecuteFunctions): Map<number, SentDial> | undefined {
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

/** Whether a dial's result means a call exists or may exist (it must never be sent again). */
export function mayHaveCalled(result: DialResult): boolean {
	return result.ok || result.fields.call_may_have_been_placed === true;
}

/**
 * What an item whose dial an earlier try of this run sent stands for now: the same result when the dial was
 * accepted or may have placed a call, whatever the item's fields evaluate to now (an External ID such as
 * `{{ $now }}` changes between tries); undefined when it provably placed nothing (sending it again is safe).
 */
export function reuseSentDial(this: IExecuteFunctions, itemIndex: number, sent: SentDial | undefined): DialResult | undefined {
	if (sent === undefined || !mayHaveCalled(sent.result)) return undefined;
	if (sent.result.ok) return sent.result;
	const error = new NodeOperationError(this.getNode(), sent.result.error.message, {
		itemIndex,
		description: `${sent.description ?? ''} The node ran again (n8n's Retry On Fail); this dial was not sent again.`.trim(),
	});
	return { ok: false, error, fields: sent.result.fields };
}

/**
 * The id of the execution this one continues: n8n's Executions → Retry starts a new execution (new id) from the
 * stored execution data, custom execution data included, so the first execution's id is kept there.
 */
function originExecutionId(this: IExecuteFunctions): string | undefined {
	try {
		const kept = this.customData.get(ORIGIN_EXECUTION_KEY);
		if (typeof kept === 'string' && kept !== '') return kept;
		const id = this.getExecutionId();
		if (typeof id !== 'string' || id === '') return undefined;
		this.customData.set(ORIGIN_EXECUTION_KEY, id);
		return id;
	} catch {
		// Custom data full or unavailable (e.g. run as a tool): the ID is still unique, just not stable.
		return undefined;
	}
}

/** What every generated External ID of one node run is derived from, per execute context (computed once). */
const idSeeds = new WeakMap<object, string | null>();

function externalIdSeed(this: IExecuteFunctions): string | null {
	const known = idSeeds.get(this);
	if (known !== undefined) return known;
	let seed: string | null = null;
	const origin = originExecutionId.call(this);
	if (origin !== undefined) {
		let runIndex = 0;
		try {
			runIndex = this.getWorkflowDataProxy(0).$runIndex ?? 0;
		} catch {
			// Without a data proxy the node runs once: 0 is right.
		}
		seed = `${origin}\n${this.getNode().id}\n${runIndex}`;
	}
	idSeeds.set(this, seed);
	return seed;
}

/**
 * The External ID of a dial the user gave none: a UUID derived from the first execution's id, the node, its
 * run and the item, so every try and every n8n "Retry" of the execution gives the same item the same ID and
 * repeated calls can be reconciled; random when no execution id is known.
 */
export function defaultExternalId(this: IExecuteFunctions, itemIndex: number): string {
	const seed = externalIdSeed.call(this);
	if (seed === null) return randomUUID();
	const hex = createHash('sha256').update(`${seed}\n${itemIndex}`).digest('hex');
	// RFC 9562 layout, version 8 (custom) and the RFC variant.
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function prepareDial(this: IExecuteFunctions, itemIndex: number, earlierExternalId?: string): PreparedDial {
	const options = getOptions.call(this, itemIndex);
	const given = options.externalId;
	// Every dial gets an external_id, so that an ambiguous failure can always be reconciled.
	const externalId =
		given === undefined || given === null || String(given).trim() === ''
			? (earlierExternalId ?? defaultExternalId.call(this, itemIndex))
			: given;
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
export function rawFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields: IDataObject = { call_may_have_been_placed: false, reference_id: null };
	try {
		fields.to = this.getNodeParameter('to', itemIndex) as IDataObject[string];
		const externalId = getOptions.call(this, itemIndex).externalId;
		if (externalId !== undefined && externalId !== '') fields.external_id = externalId;
	} catch {
		// Only decoration of an error item: a parameter that cannot be read stays out.
	}
	return fields;
}

export function preparedFields(dial: PreparedDial, mayHaveBeenPlaced: boolean): IDataObject {
	return {
		external_id: dial.externalId,
		to: dial.to,
		caller_id_number: dial.callerIdNumber,
		call_may_have_been_placed: mayHaveBeenPlaced,
		reference_id: null,
	};
}

/** The result of a dial that was never sent because the execution was stopped. */
export function cancelledDial(this: IExecuteFunctions, itemIndex: number, dial: PreparedDial): DialResult {
	const error = new NodeOperationError(
		this.getNode(),
		'No call was placed: the execution was stopped before this dial was sent',
		{ itemIndex, description: `Nothing was sent to Telesign for the call to ${dial.to}.` },
	);
	return { ok: false, error, fields: preparedFields(dial, false) };
}

function transportFailure(this: IExecuteFunctions, itemIndex: number, dial: PreparedDial, error: TransportError): DialResult {
	if (error.code === CANCELLED_CODE) return cancelledDial.call(this, itemIndex, dial);
	const placed = error.sent !== 'no';
	const detail = error.code ? ` (network error ${error.code})` : '';
	const nodeError = new NodeOperationError(
		this.getNode(),
		placed ? callMayHaveBeenPlacedMessage(error.message, dial.externalId) : callNotPlacedMessage(error.message),
		{
			itemIndex,
			description: placed
				? `Telesign did not answer the dial request${detail}. It may still have received it and placed the call to ${dial.to}.`
				: `The request never reached Telesign${detail}.`,
		},
	);
	return { ok: false, error: nodeError, fields: preparedFields(dial, placed) };
}

/** Sends one prepared dial and classifies the outcome; never throws. */
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
		if (error instanceof TransportError) return transportFailure.call(this, itemIndex, dial, error);
		const message = callMayHaveBeenPlacedMessage((error as Error).message, dial.externalId);
		return { ok: false, error: new NodeOperationError(node, message, { itemIndex }), fields: preparedFields(dial, true) };
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
	fields.reference_id = outcome.referenceId ?? null;
	fields.http_code = outcome.httpCode;
	return { ok: false, error, fields };
}
