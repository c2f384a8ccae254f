/**
 * The fields of Call → Call and Wait for Response. Named as n8n's own send-and-wait operations name them
 * (message, responseType with an "approval" type, approvalOptions, options.limitWaitTime), so n8n turns the node
 * into a Human-in-the-loop tool for its AI Agent.
 */
import { MAX_REPEATS } from '../../../../shared/telesign/callAndWaitSettings';
import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION, updateDisplayOptions } from 'n8n-workflow';

import { MAX_COLLECT_DIGITS } from '../../../../shared/telesign/actions';
import { MAX_MORE_ROUNDS, MAX_RECIPIENTS } from '../../../../shared/telesign/escalation';
import { MAX_USER_EXTERNAL_ID_LENGTH } from '../../../../shared/relay';
import {
	concurrencyOption,
	dialNumberFields,
	externalIdOption,
	maxCallDurationOption,
	rateLimitRetriesOption,
	timeoutOption,
} from '../../dialFields';
import { languageProperty, messageProperty } from '../../speechFields';

/**
 * How long the node waits when Limit Wait Time is not set — the same as the option's own default, so adding the
 * option changes nothing until it is edited. A call with its prompt, repeats and closing ends within minutes;
 * a wait this short reports a missing relaying trigger (the commonest set-up mistake) quickly.
 */
export const DEFAULT_WAIT_MINUTES = 10;

const displayOptions = { show: { resource: ['call'], operation: [SEND_AND_WAIT_OPERATION] } };

/** What the panel says first: the operation cannot work without the relaying trigger. */
const relayNotice: INodeProperties = {
	displayName:
		'Needs a Telesign Voice Trigger, with Authentication set to "Telesign Signature", active in any workflow, whose production URL is the event URL registered with Telesign: it relays this call\'s events to this waiting workflow. Without it the call is placed but the workflow only goes on when Limit Wait Time runs out, with status "timeout".',
	name: 'relayNotice',
	type: 'notice',
	default: '',
};

const limitWaitTimeOption: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description: `How long the workflow waits for the calls to end. Without it the node waits ${DEFAULT_WAIT_MINUTES} minutes; calls still running then are reported with status "timeout".`,
	default: {
		values: {
			limitType: 'afterTimeInterval',
			resumeAmount: DEFAULT_WAIT_MINUTES,
			resumeUnit: 'minutes',
		},
	},
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					options: [
						{
							name: 'After Time Interval',
							value: 'afterTimeInterval',
							description: 'Waits for a certain amount of time',
						},
						{
							name: 'At Specified Time',
							value: 'atSpecifiedTime',
							description: 'Waits until a date and time',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: DEFAULT_WAIT_MINUTES,
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					options: [
						{ name: 'Seconds', value: 'seconds' },
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
					],
					default: 'minutes',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					default: '',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
				},
			],
		},
	],
};

/**
 * Recipients keeps the parameter name "to" of the single-number node: existing workflows (and the AI Agent's
 * Human-in-the-loop tool built from this node) go on unchanged, and one number behaves as before.
 */
function recipientsFields(): INodeProperties[] {
	const [to, callerId] = dialNumberFields('Must be a number your account leases from Telesign.');
	const recipients: INodeProperties = {
		...to,
		displayName: 'Recipients',
		placeholder: '15555550001, 15555550002',
		description:
			'The number to call, or an on-call list: numbers separated by commas or new lines, or an array from an expression such as {{ $json.oncall }}. Each number is checked before anything is dialled.',
		hint: `One number: one call, as always. Several (up to ${MAX_RECIPIENTS}): called as Strategy says until one acknowledges; the output is one item with acknowledged_by and attempts. "+", spaces and dashes are removed.`,
	};
	const strategy: INodeProperties = {
		displayName: 'Strategy',
		name: 'strategy',
		type: 'options',
		default: 'oneAfterAnother',
		description: 'How an on-call list is called (with one number there is nothing to choose)',
		options: [
			{
				name: 'All at Once',
				value: 'allAtOnce',
				description: 'Ring everyone; the first to acknowledge wins, the others are ended at once',
			},
			{
				name: 'One After Another',
				value: 'oneAfterAnother',
				description:
					'Call the next person when a call ends without acknowledgement (busy, no answer, wrong key, hung up)',
			},
		],
	};
	return [recipients, callerId, strategy];
}

const properties: INodeProperties[] = [
	relayNotice,
	...recipientsFields(),
	messageProperty(
		'What Telesign speaks when the call is answered (text-to-speech). Say which key to press.',
	),
	languageProperty(),
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'keyPress',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'A key approves (and optionally another declines); outputs approved',
			},
			{
				name: 'Key Press',
				value: 'keyPress',
				description: 'Collect one or more keys; a given key acknowledges',
			},
			{ name: 'None', value: 'none', description: 'Speak the message and hang up' },
		],
	},
	{
		displayName: 'Max Digits',
		name: 'maxDigits',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_COLLECT_DIGITS },
		default: 1,
		description: 'How many keys to collect after the message',
		displayOptions: { show: { responseType: ['keyPress'] } },
	},
	{
		displayName: 'Acknowledge Key',
		name: 'acknowledgeKey',
		type: 'string',
		default: '1',
		placeholder: '1',
		description:
			'The key(s) that acknowledge, e.g. 1. Leave empty to count any key as acknowledged.',
		displayOptions: { show: { responseType: ['keyPress'] } },
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'fixedCollection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Type of Approval',
						name: 'approvalType',
						type: 'options',
						default: 'single',
						options: [
							{ name: 'Approve Only', value: 'single' },
							{ name: 'Approve and Decline', value: 'double' },
						],
					},
					{ displayName: 'Approve Key', name: 'approveKey', type: 'string', default: '1' },
					{
						displayName: 'Decline Key',
						name: 'declineKey',
						type: 'string',
						default: '2',
						displayOptions: { show: { approvalType: ['double'] } },
					},
				],
			},
		],
		displayOptions: { show: { responseType: ['approval'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Closing Message',
				name: 'closingMessage',
				type: 'string',
				default: '',
				placeholder: 'Thank you, goodbye.',
				description:
					'Spoken once the callee has answered the prompt (or did not), before hanging up',
			},
			concurrencyOption,
			{
				displayName: 'Ended By Others Message',
				name: 'endedByOthersMessage',
				type: 'string',
				default: '',
				placeholder: 'This alert was acknowledged by someone else. Goodbye.',
				description:
					'All at Once: spoken to everyone still on the line once someone acknowledged, before their call is ended. Empty: their call is hung up without a word. Their keys never count.',
				displayOptions: { show: { '/strategy': ['allAtOnce'] } },
			},
			{
				...externalIdOption,
				description: `Your own ID for this call, up to ${MAX_USER_EXTERNAL_ID_LENGTH} characters. It is returned as external_id and appended to the external_id Telesign gets, after the marker that leads the call's events back to this execution. Empty: external_id is null.`,
			},
			{
				displayName: 'Key Messages',
				name: 'keyMessages',
				type: 'fixedCollection',
				placeholder: 'Add Key Message',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'A message per key, spoken after that key instead of the Closing Message (e.g. 1 → "You own the incident")',
				displayOptions: { show: { '/responseType': ['keyPress', 'approval'] } },
				options: [
					{
						displayName: 'Key Message',
						name: 'values',
						values: [
							{
								displayName: 'Key',
								name: 'key',
								type: 'string',
								default: '1',
								placeholder: '1',
								description: 'The key(s) pressed',
							},
							{
								displayName: 'Message',
								name: 'message',
								type: 'string',
								default: '',
								placeholder: 'Thank you, you own the incident.',
								description: 'Spoken after that key, then the call is hung up',
							},
						],
					},
				],
			},
			limitWaitTimeOption,
			maxCallDurationOption,
			{
				displayName: 'More Rounds',
				name: 'moreRounds',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_MORE_ROUNDS },
				default: 0,
				description: `How many more times the whole list is called when nobody acknowledged (0 to ${MAX_MORE_ROUNDS}). Limit Wait Time covers every round: raise it for long lists.`,
			},
			rateLimitRetriesOption,
			{
				displayName: 'Repeat Message',
				name: 'repeatMessage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_REPEATS },
				default: 1,
				description: 'How many more times the message is spoken when no key was pressed',
			},
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);
