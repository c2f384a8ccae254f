import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildHangupAction } from '../../../shared/telesign/actions';
import { respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

const displayOptions = { show: { resource: ['respond'], operation: ['hangup'] } };

const properties: INodeProperties[] = [
	respondOptionsCollection(),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, () => buildHangupAction());
}
