import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildSpeakAction } from '../../../shared/telesign/actions';
import { languageProperty, messageProperty, readLanguage } from '../speechFields';
import { collectDigitsFields, readCollectDigits, respondOptionsCollection } from './respondFields';
import { runRespondOperation } from './runRespondOperation';

/** This action's entry in the Respond resource's Operation list. */
export const option: INodePropertyOptions = {
	name: 'Speak',
	value: 'speak',
	description: 'Read a text to the caller (text-to-speech), optionally collecting key presses',
	action: 'Speak a message',
};

const displayOptions = { show: { resource: ['respond'], operation: [option.value as string] } };

const properties: INodeProperties[] = [
	messageProperty(
		'The text Telesign reads out to the caller (text-to-speech)',
		'Speak answers the events incoming_call, dial_completed, speak_completed and play_completed. Telesign waits for the answer, so keep the nodes before this one fast.',
	),
	languageProperty(),
	...collectDigitsFields(),
	respondOptionsCollection(),
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildSpeakAction({
			message: this.getNodeParameter('message', itemIndex),
			language: readLanguage.call(this, itemIndex),
			collectDigits: readCollectDigits.call(this, itemIndex),
		});
	});
}
