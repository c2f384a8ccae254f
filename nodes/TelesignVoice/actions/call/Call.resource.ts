import type { INodeProperties } from 'n8n-workflow';

import * as dial from './dial.operation';
import * as sendAndWait from './sendAndWait.operation';

export { dial, sendAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Dial',
				value: 'dial',
				description:
					'Place an outbound phone call: Telesign calls To from Caller ID Number. Returns reference_id and external_id, which the call events (dial_completed, call_completed) carry too.',
				action: 'Dial a phone number',
			},
			{
				name: 'Call and Wait for Response',
				value: 'sendAndWait',
				description:
					'Call, speak a message, collect a key press and wait: the workflow goes on with the outcome of each call (answered, acknowledged or approved, digits, status) once the calls have ended. Needs an active Telesign Voice Trigger.',
				action: 'Call and wait for response',
			},
		],
		default: 'dial',
	},
	...dial.description,
	...sendAndWait.description,
];
