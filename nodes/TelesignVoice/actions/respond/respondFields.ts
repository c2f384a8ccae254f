/** Fields several Respond operations share: their Options collection (with Answer Telesign Now) and Collect Digits. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MAX_COLLECT_DIGITS } from '../../../shared/telesign/actions';
import { validateInteger } from '../../../shared/telesign/validation';

export const answerTelesignNowOption: INodeProperties = {
	displayName: 'Answer Telesign Now',
	name: 'answerTelesignNow',
	type: 'boolean',
	default: true,
	description:
		'Whether to send this action to Telesign at once when the Telesign Voice Trigger\'s Respond option is "Using Telesign Voice Respond Operation", so the rest of the workflow runs after the call has its next action. With the other Respond options it has no effect: the output of the workflow is the answer.',
};

/** The "Options" collection of a Respond operation: its own options plus Answer Telesign Now (sorted by name). */
export function respondOptionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [answerTelesignNowOption, ...extra].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

export function collectDigitsFields(): INodeProperties[] {
	return [
		{
			displayName: 'Collect Digits',
			name: 'collectDigits',
			type: 'boolean',
			default: false,
			description:
				'Whether to collect the keys the caller presses. They arrive as collected_digits on the event that follows (speak_completed or play_completed).',
		},
		{
			displayName: 'Max Digits',
			name: 'maxDigits',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_COLLECT_DIGITS },
			default: 1,
			description: 'The largest number of key presses to collect',
			displayOptions: { show: { collectDigits: [true] } },
		},
	];
}

/** The number of digits to collect, or undefined when collecting is off. */
export function readCollectDigits(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (!this.getNodeParameter('collectDigits', itemIndex, false)) return undefined;
	return validateInteger(
		this.getNodeParameter('maxDigits', itemIndex, 1),
		'Max Digits',
		1,
		MAX_COLLECT_DIGITS,
	);
}
