import type { INodeProperties } from 'n8n-workflow';

import * as dial from './dial.operation';

export { dial };

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
		],
		default: 'dial',
	},
	...dial.description,
];
