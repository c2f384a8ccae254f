import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_SEND_DTMF_PARAM, buildSendDtmfAction } from '../../../shared/telesign/actions';
import { getOptions } from '../runItems';
import { respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Send DTMF',
	value: 'sendDtmf',
	description: 'Send key presses (DTMF tones) on the call; answers dial_completed',
	action: 'Send DTMF tones',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Digits',
		name: 'digits',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1234#',
		description:
			'The key presses to send on the call: 0-9, A-D, * and #; each "w" waits half a second',
		hint: 'Telesign accepts Send DTMF in answer to dial_completed',
	},
	respondOptionsCollection([
		{
			displayName: 'Parameter Name',
			name: 'parameterName',
			type: 'string',
			default: DEFAULT_SEND_DTMF_PARAM,
			description: 'The name of the field in "params" that carries the digits',
			hint: `Telesign has not published this name; "${DEFAULT_SEND_DTMF_PARAM}" is this node's assumption. If Telesign's reference for your account names it differently, change it here or use Raw Action.`,
		},
	]),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildSendDtmfAction({
			digits: this.getNodeParameter('digits', itemIndex),
			paramName: getOptions.call(this, itemIndex).parameterName,
		});
	});
}
