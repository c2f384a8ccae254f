/** Recording → Delete: removes the recordings (and transcripts) of one call. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { interpretRecordingResponse } from '../../../shared/telesign/errors';
import { validateReferenceId } from '../../../shared/telesign/validation';
import { runApiOperation, telesignApiError } from '../common';
import { referenceIdField } from './get.operation';
import { recordingPath, requestRecordings } from './request';

const displayOptions = { show: { resource: ['recording'], operation: ['delete'] } };

export const description: INodeProperties[] = [
	{
		...referenceIdField(displayOptions.show),
		hint: 'Deletes every recording and transcript of this call. This cannot be undone.',
	},
];

async function remove(this: IExecuteFunctions, itemIndex: number, referenceId: string): Promise<IDataObject> {
	const response = await requestRecordings.call(this, itemIndex, { method: 'DELETE', path: recordingPath(referenceId) });
	const outcome = interpretRecordingResponse(response.statusCode, response.body, referenceId);
	if (!outcome.ok) throw telesignApiError(this.getNode(), outcome, itemIndex);
	return { reference_id: referenceId, deleted: true };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		this,
		items,
		(itemIndex) => validateReferenceId(this.getNodeParameter('referenceId', itemIndex), 'Reference ID'),
		async (itemIndex, referenceId) => await remove.call(this, itemIndex, referenceId),
		(itemIndex) => ({ reference_id: this.getNodeParameter('referenceId', itemIndex) as string }),
	);
}
