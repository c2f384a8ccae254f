import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import * as callAndWait from './callAndWait/callAndWait.operation';
import * as dial from './dial.operation';

export { callAndWait, dial };

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
				// n8n's value for send-and-wait operations: its AI Agent offers such a node as a Human-in-the-loop tool.
				value: SEND_AND_WAIT_OPERATION,
				description:
					'Call, speak a message, collect a key press and wait: the workflow goes on with the outcome of each call (answered, acknowledged or approved, digits, status) once the calls have ended. Needs an active Telesign Voice Trigger with Authentication "Telesign Signature".',
				action: 'Call and wait for response',
			},
		],
		default: 'dial',
	},
	...dial.description,
	...callAndWait.description,
];
