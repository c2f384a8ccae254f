import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_TTS_LANGUAGE, LANGUAGE_TAG_PATTERN, SUGGESTED_TTS_LANGUAGES, buildSpeakAction } from '../../../shared/telesign/actions';
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

const defaultLanguage = SUGGESTED_TTS_LANGUAGES.find((language) => language.code === DEFAULT_TTS_LANGUAGE);

/** The Language field of a speak (also used by Call → Call and Wait for Response). */
export function languageProperty(): INodeProperties {
	return {
		displayName: 'Language',
		name: 'language',
		type: 'resourceLocator',
		default: { mode: 'list', value: DEFAULT_TTS_LANGUAGE, cachedResultName: defaultLanguage?.name },
		description: 'The language (and accent) of the voice, as a language tag such as en-US',
		hint: 'Pick a suggestion or type any language tag your Telesign account supports',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchLanguages', searchable: true },
			},
			{
				displayName: 'By Code',
				name: 'code',
				type: 'string',
				placeholder: 'en-US',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: LANGUAGE_TAG_PATTERN,
							errorMessage: 'Not a language tag: use e.g. en-US, en-GB or fr-FR',
						},
					},
				],
			},
		],
	};
}

/** The Message field of a speak (also used by Call → Call and Wait for Response, with its own description). */
export function messageProperty(description: string, hint?: string): INodeProperties {
	return {
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder: 'The web shop is down. Press 1 to acknowledge.',
		description,
		...(hint === undefined ? {} : { hint }),
	};
}

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

export function readLanguage(this: IExecuteFunctions, itemIndex: number): unknown {
	const value = this.getNodeParameter('language', itemIndex, DEFAULT_TTS_LANGUAGE, { extractValue: true });
	// A resource locator normally arrives as its value; accept the whole object too.
	if (value !== null && typeof value === 'object' && 'value' in value) return (value as { value: unknown }).value;
	return value;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return await runRespondOperation.call(this, items, function (itemIndex) {
		return buildSpeakAction({
			message: this.getNodeParameter('message', itemIndex),
			language: readLanguage.call(this, itemIndex),
			collectDigits: readCollectDigits.call(this, itemIndex),
		});
	});
}
