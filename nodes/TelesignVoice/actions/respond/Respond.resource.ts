import type { INodeProperties } from 'n8n-workflow';

import * as dial from './dial.operation';
import * as hangup from './hangup.operation';
import * as play from './play.operation';
import * as rawAction from './rawAction.operation';
import * as sendDtmf from './sendDtmf.operation';
import * as speak from './speak.operation';

export { dial, hangup, play, rawAction, sendDtmf, speak };

export const description: INodeProperties[] = [
	{
		displayName:
			'Only works after a Telesign Voice Trigger whose Respond is not "Immediately": the output is the answer to the trigger\'s event, the next action on that call. Anywhere else nothing happens on any call (the run warns). To call a number and say something, use Call → Dial or Call → Call and Wait for Response.',
		name: 'respondNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['respond'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['respond'] } },
		options: [
			{
				name: 'Dial',
				value: 'dial',
				description:
					'Connect the caller of an inbound call to another number (bridge or transfer); answers incoming_call',
				action: 'Connect the caller to another number',
			},
			{
				name: 'Hangup',
				value: 'hangup',
				description: 'End the call',
				action: 'Hang up the call',
			},
			{
				name: 'Play',
				value: 'play',
				description: 'Play an audio file from a URL, optionally collecting key presses',
				action: 'Play an audio file',
			},
			{
				name: 'Raw Action',
				value: 'rawAction',
				description: 'Any Telesign action by name with JSON params, e.g. play_multiple',
				action: 'Build a raw action',
			},
			{
				name: 'Send DTMF',
				value: 'sendDtmf',
				description: 'Send key presses (DTMF tones) on the call; answers dial_completed',
				action: 'Send DTMF tones',
			},
			{
				name: 'Speak',
				value: 'speak',
				description: 'Read a text to the caller (text-to-speech), optionally collecting key presses',
				action: 'Speak a message',
			},
		],
		default: 'speak',
	},
	...dial.description,
	...hangup.description,
	...play.description,
	...rawAction.description,
	...sendDtmf.description,
	...speak.description,
];
