/**
 * Telesign's Recordings API as both nodes use it (Recording → Get Many / Get / Download / Delete and the Recording
 * Trigger): its paths, the retries of a refused request, and the date-range listing with its pagination.
 * https://developer.telesign.com/enterprise/docs/voice-download-recordings
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { telesignApiError } from '../apiError';
import { RECORDINGS_API, interpretRecordingListResponse } from '../telesign/errors';
import type { TelesignContext, TelesignRequest, TelesignResponse } from '../telesign/transport';
import { sendTelesignRequest } from '../telesign/transport';

export const RECORDINGS_PATH = '/v2/call_recording';
/** Largest page asked for (Telesign publishes no maximum). */
export const MAX_PAGE_SIZE = 100;
/** Safety stop for a pagination that never ends (a token that never runs out). */
export const MAX_PAGES = 10_000;

export interface ListRequest {
	/** UTC `YYYY-MM-DDThh:mm:ss`, inclusive. */
	start: string;
	end: string;
	/** Undefined = all. */
	limit?: number;
}
/** Recordings requests change nothing when refused with 429, so they are retried a few times. */
export const RECORDING_RATE_LIMIT_RETRIES = 3;

export function recordingPath(referenceId: string): string {
	return `${RECORDINGS_PATH}/${encodeURIComponent(referenceId)}`;
}

/** Sends a Recordings API request; a missing answer becomes an error that names the item. */
export async function requestRecordings(
	this: TelesignContext,
	itemIndex: number,
	request: TelesignRequest,
): Promise<TelesignResponse> {
	try {
		return await sendTelesignRequest.call(this, request, {
			maxRetries: RECORDING_RATE_LIMIT_RETRIES,
		});
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`${RECORDINGS_API} did not answer: ${(error as Error).message}`,
			{
				itemIndex,
				description:
					'Check the Base URL of the Telesign Voice API credential and the network connection, then run the node again.',
			},
		);
	}
}

/** The recordings dated in [start, end] (UTC, inclusive), following Telesign's `token` pagination. */
export async function listRecordings(
	this: TelesignContext,
	itemIndex: number,
	request: ListRequest,
): Promise<IDataObject[]> {
	const recordings: IDataObject[] = [];
	const pageSize = Math.min(request.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
	// The first page is asked for by date range; the following ones by token only (Telesign: mutually exclusive).
	let qs: IDataObject = {
		start_date_time: request.start,
		end_date_time: request.end,
		pagesize: pageSize,
	};
	const seenTokens = new Set<string>();
	for (let page = 0; page < MAX_PAGES; page++) {
		const response = await requestRecordings.call(this, itemIndex, {
			method: 'GET',
			path: RECORDINGS_PATH,
			qs,
		});
		const outcome = interpretRecordingListResponse(response.statusCode, response.body);
		if (!outcome.ok) throw telesignApiError(this.getNode(), outcome, itemIndex);
		for (const recording of outcome.body.recordings) {
			recordings.push(recording as IDataObject);
			if (request.limit !== undefined && recordings.length >= request.limit) return recordings;
		}
		const token = outcome.body.token;
		if (token === undefined || outcome.body.recordings.length === 0 || seenTokens.has(token)) break;
		seenTokens.add(token);
		qs = { token };
	}
	return recordings;
}
