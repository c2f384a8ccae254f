import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildHangupAction } from '../../../shared/telesign/actions';
import { respondOptionsCollection, runRespondOperation } from './answer';

const displayOptions = { show: { resource: ['respond'], operation: ['hangup'] } };

export const description: INodeProperties[] = [
	respondOptionsCollection(displayOptions),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, () => buildHangupAction());
}
