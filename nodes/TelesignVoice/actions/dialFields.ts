/**
 * Fields of a dial, shared by Call → Dial and Call → Call and Wait for Response (sent to POST /v2/voice) and
 * Respond → Dial (bridge, returned to Telesign as the answer to an event), with the options of sending dials.
 * Only Telesign's documented dial parameters are typed here.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DialInput } from '../../shared/telesign/actions';
import { MAX_CALL_DURATION_SECONDS } from '../../shared/telesign/actions';
import { DEFAULT_TIMEOUT_MS } from '../../shared/telesign/transport';
import { validateInteger } from '../../shared/telesign/validation';
import { toNodeError } from './nodeErrors';
import { getOptions } from './runItems';

export function dialNumberFields(callerIdHint: string): INodeProperties[] {
	return [
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			required: true,
			default: '',
			placeholder: '15555551212',
			description: 'The phone number to call, with country code (international format)',
			hint: 'Digits with the country code. "+", spaces, dashes and parentheses are removed: +1 (555) 555-1212 becomes 15555551212.',
		},
		{
			displayName: 'Caller ID Number',
			name: 'callerIdNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '15554441313',
			description: 'The number shown to the person called, with country code',
			hint: callerIdHint,
		},
	];
}

export const externalIdOption: INodeProperties = {
	displayName: 'External ID',
	name: 'externalId',
	type: 'string',
	default: '',
	placeholder: 'order-1234',
	description:
		'Your own ID for this call, at most 128 characters. Telesign repeats it as external_id on the events of the call, so later events can be matched to this item.',
};

export const sendDtmfOption: INodeProperties = {
	displayName: 'Send DTMF',
	name: 'sendDtmf',
	type: 'string',
	default: '',
	placeholder: 'ww1234#',
	description:
		'Key presses to send once the call connects, e.g. an extension or a conference code. Allowed: 0-9, A-D, * and #; each "w" waits half a second.',
};

export const maxCallDurationOption: INodeProperties = {
	displayName: 'Max Call Duration',
	name: 'maxCallDuration',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CALL_DURATION_SECONDS },
	default: 600,
	description: `Hang up after this many seconds (1 to ${MAX_CALL_DURATION_SECONDS}). Without it Telesign allows ${MAX_CALL_DURATION_SECONDS} seconds (4 hours), its maximum.`,
};

/** Reads the dial fields of one item (validation happens in buildDialAction). */
export function readDialInput(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): DialInput {
	return {
		to: this.getNodeParameter('to', itemIndex),
		callerIdNumber: this.getNodeParameter('callerIdNumber', itemIndex),
		externalId: options.externalId,
		sendDtmf: options.sendDtmf,
		maxCallDuration: options.maxCallDuration,
	};
}

export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;
export const DEFAULT_RATE_LIMIT_RETRIES = 3;
export const MAX_RATE_LIMIT_RETRIES = 10;
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 120_000;

/** How many dials run at once (read from the first item), for operations that send dials in a pool. */
export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	default: DEFAULT_CONCURRENCY,
	description:
		'How many dials are sent at the same time when the node receives many items (read from the first item). The output keeps the input order.',
};

export const rateLimitRetriesOption: INodeProperties = {
	displayName: 'Rate Limit Retries',
	name: 'rateLimitRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_RATE_LIMIT_RETRIES },
	default: DEFAULT_RATE_LIMIT_RETRIES,
	description:
		"How often a dial Telesign refused with 429 rate_limit_exceeded is sent again, waiting as Telesign's Retry-After header says (or backing off exponentially). Such a dial placed no call, so retrying it is safe.",
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: MIN_TIMEOUT_MS, maxValue: MAX_TIMEOUT_MS },
	default: DEFAULT_TIMEOUT_MS,
	hint: `In milliseconds (${DEFAULT_TIMEOUT_MS} = ${DEFAULT_TIMEOUT_MS / 1000} seconds), ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
	description:
		'How long to wait for Telesign to answer a dial request, in milliseconds. A dial without an answer is reported, never retried: the call may have been placed.',
};

export function readConcurrency(this: IExecuteFunctions): number {
	try {
		const value = getOptions.call(this, 0).concurrency;
		return validateInteger(value ?? DEFAULT_CONCURRENCY, 'Concurrency', 1, MAX_CONCURRENCY);
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

/** Rate Limit Retries and Timeout of one item's dial. */
export function readSendLimits(options: IDataObject): { retries: number; timeoutMs: number } {
	return {
		retries: validateInteger(
			options.rateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES,
			'Rate Limit Retries',
			0,
			MAX_RATE_LIMIT_RETRIES,
		),
		timeoutMs: validateInteger(
			options.timeout ?? DEFAULT_TIMEOUT_MS,
			'Timeout',
			MIN_TIMEOUT_MS,
			MAX_TIMEOUT_MS,
		),
	};
}
