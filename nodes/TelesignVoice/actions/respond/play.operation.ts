import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildPlayAction } from '../../../shared/telesign/actions';
import { collectDigitsFields, readCollectDigits, respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Play',
	value: 'play',
	description: 'Play an audio file from a URL, optionally collecting key presses',
	action: 'Play an audio file',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/audio/menu.wav',
		description: 'The address of the audio file Telesign plays to the caller (http or https)',
		hint: 'Telesign fetches the file itself: it must be publicly reachable, preferably over HTTPS. WAV (8 kHz, mono) is the safest format.',
	},
	...collectDigitsFields(),
	respondOptionsCollection(),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildPlayAction({
			url: this.getNodeParameter('audioUrl', itemIndex),
			collectDigits: readCollectDigits.call(this, itemIndex),
		});
	});
}
