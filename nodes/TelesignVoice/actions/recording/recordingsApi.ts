/** Telesign's Recordings API as the Recording operations use it: paths, retries, and one call's recordings. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RECORDINGS_API, interpretRecordingResponse } from '../../../shared/telesign/errors';
import type { TelesignRequest, TelesignResponse } from '../../../shared/telesign/transport';
import { sendTelesignRequest } from '../../../shared/telesign/transport';
import { validateReferenceId } from '../../../shared/telesign/validation';
import { telesignApiError } from '../nodeErrors';
import { runApiOperation } from '../runItems';

export const RECORDINGS_PATH = '/v2/call_recording';
/** Recordings requests change nothing when refused with 429, so they are retried a few times. */
export const RECORDING_RATE_LIMIT_RETRIES = 3;

export function recordingPath(referenceId: string): string {
	return `${RECORDINGS_PATH}/${encodeURIComponent(referenceId)}`;
}

/** Sends a Recordings API request; a missing answer becomes an error that names the item. */
export async function requestRecordings(
	this: IExecuteFunctions,
	itemIndex: number,
	request: TelesignRequest,
): Promise<TelesignResponse> {
	try {
		return await sendTelesignRequest.call(this, request, { maxRetries: RECORDING_RATE_LIMIT_RETRIES });
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `${RECORDINGS_API} did not answer: ${(error as Error).message}`, {
			itemIndex,
			description:
				'Check the Base URL of the Telesign Voice API credential and the network connection, then run the node again.',
		});
	}
}

/** The Reference ID field of Get and Delete, with the operation's own hint. */
export function referenceIdField(operation: 'get' | 'delete', hint: string): INodeProperties {
	return {
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'BC96D7B0D1800164898350B4E71B005C',
		description: 'The reference_id of the call, as output by Call → Dial or carried by the call events',
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
	toOutput: (referenceId: string, body: unknown, statusCode: number, itemIndex: number) => IDataObject | IDataObject[],
): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		context,
		items,
		(itemIndex) => validateReferenceId(context.getNodeParameter('referenceId', itemIndex), 'Reference ID'),
		async (itemIndex, referenceId) => {
			const response = await requestRecordings.call(context, itemIndex, { method, path: recordingPath(referenceId) });
			const outcome = interpretRecordingResponse(response.statusCode, response.body, referenceId);
			if (!outcome.ok) throw telesignApiError(context.getNode(), outcome, itemIndex);
			return toOutput(referenceId, outcome.body, response.statusCode, itemIndex);
		},
		(itemIndex) => ({ reference_id: context.getNodeParameter('referenceId', itemIndex) as string }),
	);
}
