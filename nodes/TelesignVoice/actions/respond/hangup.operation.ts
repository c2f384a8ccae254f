import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildHangupAction } from '../../../shared/telesign/actions';
import { answerTelesignNowOption, runRespondOperation } from './answer';

const displayOptions = { show: { resource: ['respond'], operation: ['hangup'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
		options: [answerTelesignNowOption],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, () => buildHangupAction());
}
