/** Respond → Dial (a bridge): connects the caller of an inbound call to another number (a dial in answer to incoming_call). */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildDialAction } from '../../../shared/telesign/actions';
import { getOptions } from '../runItems';
import {
	dialNumberFields,
	externalIdOption,
	maxCallDurationOption,
	readDialInput,
	sendDtmfOption,
} from '../dialFields';
import { respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Dial',
	value: 'dial',
	description:
		'Connect the caller of an inbound call to another number (bridge or transfer); answers incoming_call',
	action: 'Connect the caller to another number',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [
	...dialNumberFields(
		"When bridging an inbound call, this may be the caller's number from the incoming_call event ({{ $json.data.from }}) or a number your account leases from Telesign",
	),
	respondOptionsCollection([externalIdOption, maxCallDurationOption, sendDtmfOption]),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildDialAction(readDialInput.call(this, itemIndex, getOptions.call(this, itemIndex)));
	});
}
