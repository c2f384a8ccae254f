/**
 * What every Respond operation shares: the action is the item's JSON, and (option "Answer Telesign Now") the
 * first action is also sent at once as the HTTP answer to a Telesign Voice Trigger that waits for a respond node.
 */
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { TelesignAction } from '../../../shared/telesign/actions';
import { MAX_COLLECT_DIGITS } from '../../../shared/telesign/actions';
import { validateInteger } from '../../../shared/telesign/validation';
import { getOptions, runEachItem } from '../common';
import { warnIfActionReachesNoCall } from './reach';

export const answerTelesignNowOption: INodeProperties = {
	displayName: 'Answer Telesign Now',
	name: 'answerTelesignNow',
	type: 'boolean',
	default: true,
	description:
		'Whether to send this action to Telesign at once when the Telesign Voice Trigger\'s Respond option is "Using Telesign Voice Respond Operation", so the rest of the workflow runs after the call has its next action. With the other Respond options it has no effect: the output of the workflow is the answer.',
};

/** The "Options" collection of a Respond operation: its own options plus Answer Telesign Now (sorted by name). */
export function respondOptionsCollection(
	displayOptions: IDisplayOptions,
	extra: INodeProperties[] = [],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
		options: [answerTelesignNowOption, ...extra].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export function collectDigitsFields(displayOptions: { show: NonNullable<IDisplayOptions['show']> }): INodeProperties[] {
	return [
		{
			displayName: 'Collect Digits',
			name: 'collectDigits',
			type: 'boolean',
			default: false,
			description:
				'Whether to collect the keys the caller presses. They arrive as collected_digits on the event that follows (speak_completed or play_completed).',
			displayOptions,
		},
		{
			displayName: 'Max Digits',
			name: 'maxDigits',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_COLLECT_DIGITS },
			default: 1,
			description: 'The largest number of key presses to collect',
			displayOptions: { show: { ...displayOptions.show, collectDigits: [true] } },
		},
	];
}

/** The number of digits to collect, or undefined when collecting is off. */
export function readCollectDigits(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (!this.getNodeParameter('collectDigits', itemIndex, false)) return undefined;
	return validateInteger(this.getNodeParameter('maxDigits', itemIndex, 1), 'Max Digits', 1, MAX_COLLECT_DIGITS);
}

/**
 * Answers a Telesign Voice Trigger in "respond node" mode. In n8n 2.41, sendResponse only resolves the
 * response a webhook execution is waiting for, and does nothing otherwise (manual runs, other response modes).
 * A failure here must not fail the item (the action is still output, and a "last node" trigger still answers
 * with it), but the call waits for an answer that never comes: it is warned in the log and shown on the node.
 */
export async function answerTelesign(this: IExecuteFunctions, action: TelesignAction): Promise<boolean> {
	if (typeof this.sendResponse !== 'function') {
		this.logger.debug('Telesign Voice: no sendResponse in this context (e.g. run as a tool); Telesign not answered from here');
		return false;
	}
	const response: IN8nHttpFullResponse = {
		body: JSON.parse(JSON.stringify(action)) as IDataObject,
		headers: { 'content-type': 'application/json' },
		statusCode: 200,
	};
	const failure = await this.sendResponse(response).then(
		() => undefined,
		(error: unknown) => (error instanceof Error ? error.message : String(error)),
	);
	if (failure === undefined) return true;
	const message = `Telesign was not answered with this ${action.method} action (Answer Telesign Now): ${failure}. The call waits for an answer and Telesign may end it.`;
	this.logger.warn(`Telesign Voice: ${message}`);
	if (typeof this.addExecutionHints === 'function') {
		this.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	}
	return false;
}

/**
 * Runs a Respond operation: builds one action per item (output unchanged as the item's JSON) and answers
 * Telesign with the first action built, unless that item turned "Answer Telesign Now" off. Warns in the run
 * when no Telesign Voice Trigger upstream can take the action.
 */
export async function runRespondOperation(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	build: (this: IExecuteFunctions, itemIndex: number) => TelesignAction,
): Promise<INodeExecutionData[]> {
	warnIfActionReachesNoCall.call(this);
	let answered = false;
	return await runEachItem.call(this, items, async (itemIndex) => {
		const action = build.call(this, itemIndex);
		if (!answered) {
			answered = true;
			if (getOptions.call(this, itemIndex).answerTelesignNow !== false) await answerTelesign.call(this, action);
		}
		return action as unknown as IDataObject;
	});
}
