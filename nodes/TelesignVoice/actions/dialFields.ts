/**
 * Fields of a dial, shared by Call → Dial (sent to POST /v2/voice) and Respond → Dial (bridge, returned to
 * Telesign as the answer to an event). Only Telesign's documented dial parameters are typed here.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DialInput } from '../../shared/telesign/actions';
import { MAX_CALL_DURATION_SECONDS } from '../../shared/telesign/actions';

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
export function readDialInput(this: IExecuteFunctions, itemIndex: number, options: IDataObject): DialInput {
	return {
		to: this.getNodeParameter('to', itemIndex),
		callerIdNumber: this.getNodeParameter('callerIdNumber', itemIndex),
		externalId: options.externalId,
		sendDtmf: options.sendDtmf,
		maxCallDuration: options.maxCallDuration,
	};
}
