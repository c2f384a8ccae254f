/** Recording → Get Many: recordings by UTC date range, following Telesign's `token` pagination. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ValidationError,
	toTelesignUtc,
	validateInteger,
} from '../../../shared/telesign/validation';
import { runApiOperation } from '../runItems';
import type { ListRequest } from '../../../shared/recordings/api';
import { listRecordings } from '../../../shared/recordings/api';

const MAX_LIMIT = 1_000_000;
/** The range a new node lists: the last 24 hours. */
export const DEFAULT_RANGE_HOURS = 24;

const displayOptions = { show: { resource: ['recording'], operation: ['getAll'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: `={{ $now.minus({ hours: ${DEFAULT_RANGE_HOURS} }) }}`,
		description: 'Recordings made at or after this moment',
		hint: `UTC; a value with a time zone (e.g. 2026-11-01T00:00:00+02:00) is converted. Empty: ${DEFAULT_RANGE_HOURS} hours before End.`,
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '={{ $now }}',
		description: 'Recordings made at or before this moment',
		hint: 'UTC, like Start. Empty: now.',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

const isBlank = (value: unknown) =>
	value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Start and End in Telesign's UTC form; an empty End is now, an empty Start DEFAULT_RANGE_HOURS before End. */
export function resolveRange(
	startValue: unknown,
	endValue: unknown,
	now: Date,
): { start: string; end: string } {
	const end = isBlank(endValue) ? toTelesignUtc(now, 'End') : toTelesignUtc(endValue, 'End');
	const start = isBlank(startValue)
		? toTelesignUtc(new Date(Date.parse(`${end}Z`) - DEFAULT_RANGE_HOURS * 3_600_000), 'Start')
		: toTelesignUtc(startValue, 'Start');
	return { start, end };
}

function prepare(this: IExecuteFunctions, itemIndex: number): ListRequest {
	const { start, end } = resolveRange(
		this.getNodeParameter('start', itemIndex, ''),
		this.getNodeParameter('end', itemIndex, ''),
		new Date(),
	);
	if (end < start) {
		throw new ValidationError(
			'End',
			`End must be after Start (Start ${start}, End ${end}, both UTC)`,
		);
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? undefined
		: validateInteger(this.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, MAX_LIMIT);
	return { start, end, limit };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runApiOperation(
		this,
		items,
		(itemIndex) => prepare.call(this, itemIndex),
		async (itemIndex, request) => await listRecordings.call(this, itemIndex, request),
	);
}
