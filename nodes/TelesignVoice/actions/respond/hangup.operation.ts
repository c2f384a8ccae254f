import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildHangupAction } from '../../../shared/telesign/actions';
import { respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Hangup',
	value: 'hangup',
	description: 'End the call',
	action: 'Hang up the call',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [respondOptionsCollection()];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, () => buildHangupAction());
}
