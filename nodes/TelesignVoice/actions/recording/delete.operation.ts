/** Recording → Delete: removes the recordings (and transcripts) of one call. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { referenceIdField, runOnCallRecordings } from './callRecordings';

export const description: INodeProperties[] = [
	referenceIdField(
		'delete',
		'Deletes every recording and transcript of this call. This cannot be undone.',
	),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runOnCallRecordings(this, items, 'DELETE', (referenceId) => ({
		reference_id: referenceId,
		deleted: true,
	}));
}
