/** Recording → Get Many: recordings by UTC date range, following Telesign's `token` pagination. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { interpretRecordingListResponse } from '../../../shared/telesign/errors';
import { ValidationError, toTelesignUtc, validateInteger } from '../../../shared/telesign/validation';
import { runApiOperation, telesignApiError } from '../common';
import { RECORDINGS_PATH, requestRecordings } from './request';

/** Largest page asked for (Telesign publishes no maximum). */
export const MAX_PAGE_SIZE = 100;
/** Safety stop for a pagination that never ends (a token that never runs out). */
export const MAX_PAGES = 10_000;
const MAX_LIMIT = 1_000_000;

const displayOptions = { show: { resource: ['recording'], operation: ['getAll'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Recordings made at or after this moment',
		hint: 'UTC. A value with a time zone (e.g. 2026-11-01T00:00:00+02:00) is converted to UTC.',
		displayOptions,
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Recordings made at or before this moment',
		hint: 'UTC, like Start',
		displayOptions,
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
	},
];

interface ListRequest {
	start: string;
	end: string;
	/** Undefined = all. */
	limit?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): ListRequest {
	const start = toTelesignUtc(this.getNodeParameter('start', itemIndex), 'Start');
	const end = toTelesignUtc(this.getNodeParameter('end', itemIndex), 'End');
	if (end < start) {
		throw new ValidationError('End', `End must be after Start (Start ${start}, End ${end}, both UTC)`);
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : validateInteger(this.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, MAX_LIMIT);
	return { start, end, limit };
}

async function list(this: IExecuteFunctions, itemIndex: number, request: ListRequest): Promise<IDataObject[]> {
	const recordings: IDataObject[] = [];
	const pageSize = Math.min(request.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
	// The first page is asked for by date range; the following ones by token only (Telesign: mutually exclusive).
	let qs: IDataObject = { start_date_time: request.start, end_date_time: request.end, pagesize: pageSize };
	const seenTokens = new Set<string>();
	for (let page = 0; page < MAX_PAGES; page++) {
		const response = await requestRecordings.call(this, itemIndex, { method: 'GET', path: RECORDINGS_PATH, qs });
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		this,
		items,
		(itemIndex) => prepare.call(this, itemIndex),
		async (itemIndex, request) => await list.call(this, itemIndex, request),
	);
}
