/**
 * The steps of placing one dial, shared by every operation that dials (Call → Dial and others): prepare
 * (read and validate an item), send (POST /v2/voice, classify the outcome), and the per-run record that keeps
 * n8n's Retry On Fail from ever sending an accepted or possibly placed dial twice.
 * https://developer.telesign.com/enterprise/reference/voice-outbound-call
 */
import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
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
	TransportError,
	sendTelesignRequest,
} from '../../../shared/telesign/transport';
import type { TelesignResponse } from '../../../shared/telesign/transport';
import type { NodeError } from '../nodeErrors';
import { telesignApiError } from '../../../shared/apiError';
import { getOptions } from '../runItems';
import { readDialInput, readSendLimits } from '../dialFields';
import { defaultExternalId } from './dial.externalId';

export const VOICE_PATH = '/v2/voice';

/** Who dials: an operation's execute(), or a waiting Call and Wait's webhook() (the next call of an on-call list). */
export type DialContext = IExecuteFunctions | IWebhookFunctions;

export interface PreparedDial {
	body: IDataObject;
	externalId: string;
	to: string;
	callerIdNumber: string;
	retries: number;
	timeoutMs: number;
}

export type DialResult =
	| { ok: true; json: IDataObject }
	| { ok: false; error: NodeError; fields: IDataObject };

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
export function reuseSentDial(
	this: IExecuteFunctions,
	itemIndex: number,
	sent: SentDial | undefined,
): DialResult | undefined {
	if (sent === undefined || !mayHaveCalled(sent.result)) return undefined;
	if (sent.result.ok) return sent.result;
	const error = new NodeOperationError(this.getNode(), sent.result.error.message, {
		itemIndex,
		description:
			`${sent.description ?? ''} The node ran again (n8n's Retry On Fail); this dial was not sent again.`.trim(),
	});
	return { ok: false, error, fields: sent.result.fields };
}

export function prepareDial(
	this: IExecuteFunctions,
	itemIndex: number,
	earlierExternalId?: string,
): PreparedDial {
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
		...readSendLimits(options),
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
export function cancelledDial(
	this: DialContext,
	itemIndex: number,
	dial: PreparedDial,
): DialResult {
	const error = new NodeOperationError(
		this.getNode(),
		'No call was placed: the execution was stopped before this dial was sent',
		{ itemIndex, description: `Nothing was sent to Telesign for the call to ${dial.to}.` },
	);
	return { ok: false, error, fields: preparedFields(dial, false) };
}

function transportFailure(
	this: DialContext,
	itemIndex: number,
	dial: PreparedDial,
	error: TransportError,
): DialResult {
	if (error.code === CANCELLED_CODE) return cancelledDial.call(this, itemIndex, dial);
	const placed = error.sent !== 'no';
	const detail = error.code ? ` (network error ${error.code})` : '';
	const nodeError = new NodeOperationError(
		this.getNode(),
		placed
			? callMayHaveBeenPlacedMessage(error.message, dial.externalId)
			: callNotPlacedMessage(error.message),
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
export async function sendDial(
	this: DialContext,
	itemIndex: number,
	dial: PreparedDial,
): Promise<DialResult> {
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
		return {
			ok: false,
			error: new NodeOperationError(node, message, { itemIndex }),
			fields: preparedFields(dial, true),
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
			outcome.kind === 'rate_limited'
				? ` after ${response.attempts} attempt${response.attempts === 1 ? '' : 's'}`
				: '';
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

/** One line per dial that placed or may have placed a call, for the error of a stopped batch. */
export function dialsThatMayHaveCalled(
	results: ReadonlyArray<DialResult | undefined>,
): IDataObject[] {
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
export function stoppedBatchError(
	failure: NodeError,
	results: ReadonlyArray<DialResult | undefined>,
): NodeError {
	const dials = dialsThatMayHaveCalled(results);
	if (dials.length === 0) return failure;
	const lines = dials.map(
		(dial) =>
			`item ${dial.item_index}: to ${dial.to}, reference_id ${dial.reference_id ?? 'unknown'}, external_id ${dial.external_id}`,
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
