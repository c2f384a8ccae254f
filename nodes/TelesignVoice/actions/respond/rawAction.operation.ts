/** Respond → Raw Action: any action by name (play_multiple, or whatever the typed operations do not cover). */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildRawAction } from '../../../shared/telesign/actions';
import { parseJsonObject } from '../../../shared/telesign/validation';
import { respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Raw Action',
	value: 'rawAction',
	description: 'Any Telesign action by name with JSON params, e.g. play_multiple',
	action: 'Build a raw action',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'play_multiple',
		description:
			"The name of the Telesign action, as in Telesign's reference (lower case, e.g. play_multiple)",
	},
	{
		displayName: 'Params',
		name: 'params',
		type: 'json',
		default: '{}',
		description: 'The "params" object of the action, as JSON',
		hint: "Sent as written: check the field names in Telesign's reference for your account",
	},
	respondOptionsCollection(),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildRawAction({
			method: this.getNodeParameter('method', itemIndex),
			params: parseJsonObject(this.getNodeParameter('params', itemIndex, '{}'), 'Params'),
		});
	});
}
