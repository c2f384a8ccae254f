/**
 * The fields of speech, shared by every operation that makes Telesign speak (Respond → Speak, Call → Call and
 * Wait for Response): one Message field, one Language field and how it is read.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_TTS_LANGUAGE,
	LANGUAGE_TAG_PATTERN,
	SUGGESTED_TTS_LANGUAGES,
} from '../../shared/telesign/actions';

const defaultLanguage = SUGGESTED_TTS_LANGUAGES.find(
	(language) => language.code === DEFAULT_TTS_LANGUAGE,
);

/** The Language field of anything Telesign speaks. */
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

/** The Message field of anything Telesign speaks, with the operation's own description. */
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

export function readLanguage(this: IExecuteFunctions, itemIndex: number): unknown {
	const value = this.getNodeParameter('language', itemIndex, DEFAULT_TTS_LANGUAGE, {
		extractValue: true,
	});
	// A resource locator normally arrives as its value; accept the whole object too.
	if (value !== null && typeof value === 'object' && 'value' in value)
		return (value as { value: unknown }).value;
	return value;
}
