/** Get, Download and Delete act on the recordings of one call named by Reference ID: its field and the body Get and Delete share. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { telesignApiError } from '../../../shared/apiError';
import { recordingPath, requestRecordings } from '../../../shared/recordings/api';
import { interpretRecordingResponse } from '../../../shared/telesign/errors';
import { validateReferenceId } from '../../../shared/telesign/validation';
import { runApiOperation } from '../runItems';

/** The Reference ID field of Get, Download and Delete, with the operation's own hint. */
export function referenceIdField(
	operation: 'get' | 'delete' | 'download',
	hint: string,
): INodeProperties {
	return {
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'BC96D7B0D1800164898350B4E71B005C',
		description:
			'The reference_id of the call, as output by Call → Dial or carried by the call events',
		hint,
		displayOptions: { show: { resource: ['recording'], operation: [operation] } },
	};
}

/**
 * Get and Delete: one request per item on the recordings of the call named by Reference ID; a refusal becomes
 * an error naming the item, an answer becomes the item's output through `toOutput`.
 */
export async function runOnCallRecordings(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	method: 'GET' | 'DELETE',
	toOutput: (
		referenceId: string,
		body: unknown,
		statusCode: number,
		itemIndex: number,
	) => IDataObject | IDataObject[],
): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		context,
		items,
		(itemIndex) =>
			validateReferenceId(context.getNodeParameter('referenceId', itemIndex), 'Reference ID'),
		async (itemIndex, referenceId) => {
			const response = await requestRecordings.call(context, itemIndex, {
				method,
				path: recordingPath(referenceId),
			});
			const outcome = interpretRecordingResponse(response.statusCode, response.body, referenceId);
			if (!outcome.ok) throw telesignApiError(context.getNode(), outcome, itemIndex);
			return toOutput(referenceId, outcome.body, response.statusCode, itemIndex);
		},
		(itemIndex) => ({ reference_id: context.getNodeParameter('referenceId', itemIndex) as string }),
	);
}
