/** Recording → Get: the recording files of one call (one output item per file, with a download URL). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { interpretRecordingResponse, recordingsNotFound } from '../../../shared/telesign/errors';
import { validateReferenceId } from '../../../shared/telesign/validation';
import { runApiOperation, telesignApiError } from '../common';
import { recordingPath, requestRecordings } from './request';

const displayOptions = { show: { resource: ['recording'], operation: ['get'] } };

export const referenceIdField = (show: { resource: string[]; operation: string[] }): INodeProperties => ({
	displayName: 'Reference ID',
	name: 'referenceId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'BC96D7B0D1800164898350B4E71B005C',
	description: 'The reference_id of the call, as output by Call → Dial or carried by the call events',
	displayOptions: { show },
});

export const description: INodeProperties[] = [
	{
		...referenceIdField(displayOptions.show),
		hint: 'Each recording comes with a URL to download it; the URL expires after a while',
	},
];

async function get(this: IExecuteFunctions, itemIndex: number, referenceId: string): Promise<IDataObject[]> {
	const response = await requestRecordings.call(this, itemIndex, { method: 'GET', path: recordingPath(referenceId) });
	const outcome = interpretRecordingResponse(response.statusCode, response.body, referenceId);
	if (!outcome.ok) throw telesignApiError(this.getNode(), outcome, itemIndex);
	const files = (Array.isArray(outcome.body) ? outcome.body : [outcome.body]).filter(
		(file): file is IDataObject => file !== null && typeof file === 'object' && !Array.isArray(file),
	);
	if (files.length === 0) throw telesignApiError(this.getNode(), recordingsNotFound(referenceId, response.statusCode), itemIndex);
	return files;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		this,
		items,
		(itemIndex) => validateReferenceId(this.getNodeParameter('referenceId', itemIndex), 'Reference ID'),
		async (itemIndex, referenceId) => await get.call(this, itemIndex, referenceId),
		(itemIndex) => ({ reference_id: this.getNodeParameter('referenceId', itemIndex) as string }),
	);
}
