/**
 * Call → Dial: places outbound calls with POST /v2/voice, through the dial pipeline (dialPipeline.ts: every item
 * validated first, a bounded pool, 429s waited out, never a second dial for one item).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	concurrencyOption,
	dialNumberFields,
	externalIdOption,
	maxCallDurationOption,
	rateLimitRetriesOption,
	sendDtmfOption,
	timeoutOption,
} from '../dialFields';
import { errorItem } from '../nodeErrors';
import { prepareDial } from './dial.steps';
import { runDialPipeline } from './dialPipeline';

const displayOptions = { show: { resource: ['call'], operation: ['dial'] } };

const properties: INodeProperties[] = [
	...dialNumberFields(
		'Must be a number your account leases from Telesign (Telesign answers caller_id_number_not_owned otherwise).',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			concurrencyOption,
			{
				...externalIdOption,
				hint: 'Leave empty to get a generated ID (a UUID), returned as external_id.',
			},
			maxCallDurationOption,
			rateLimitRetriesOption,
			sendDtmfOption,
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const { results } = await runDialPipeline(this, items.length, (itemIndex, earlier) =>
		earlier.reused ? undefined : { dial: prepareDial.call(this, itemIndex, earlier.externalId) },
	);
	const output: INodeExecutionData[] = [];
	results.forEach((result, itemIndex) => {
		if (result === undefined) return;
		output.push(
			result.ok
				? { json: result.json, pairedItem: { item: itemIndex } }
				: errorItem(result.error, itemIndex, result.fields),
		);
	});
	return output;
}
