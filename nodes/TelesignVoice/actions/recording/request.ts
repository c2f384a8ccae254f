import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RECORDINGS_API } from '../../../shared/telesign/errors';
import type { TelesignRequest, TelesignResponse } from '../../../shared/telesign/transport';
import { sendTelesignRequest } from '../../../shared/telesign/transport';

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
