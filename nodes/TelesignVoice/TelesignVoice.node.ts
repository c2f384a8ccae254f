import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call/Call.resource';
import * as recording from './actions/recording/Recording.resource';
import * as respond from './actions/respond/Respond.resource';
import { router } from './actions/router';
import {
	callAndWaitWebhook,
	callAndWaitWebhooks,
} from './actions/call/callAndWait/callAndWait.webhook';
import { searchLanguages } from './methods/listSearch';

export class TelesignVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telesign Voice',
		name: 'telesignVoice',
		icon: { light: 'file:telesign.svg', dark: 'file:telesign.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Place phone calls with Telesign Voice, build the next action of a call (speak, play, send DTMF, dial, hang up) and manage call recordings',
		defaults: { name: 'Telesign Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// n8n's waiting webhook of Call → Call and Wait for Response (as n8n's own send-and-wait nodes declare
		// it): nothing is registered anywhere, so there are no webhookMethods.
		webhooks: callAndWaitWebhooks,
		credentials: [
			{
				name: 'telesignVoiceApi',
				required: true,
				displayOptions: { show: { resource: ['call', 'recording'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Call',
						value: 'call',
						description: 'Place outbound calls through the Telesign Engage API',
					},
					{
						name: 'Recording',
						value: 'recording',
						description: 'List, get, download and delete call recordings and their transcripts',
					},
					{
						name: 'Respond',
						value: 'respond',
						description:
							'Build the action Telesign performs next on a call, in answer to a call event',
					},
				],
				default: 'call',
			},
			...call.description,
			...respond.description,
			...recording.description,
		],
	};

	methods = {
		listSearch: { searchLanguages },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await callAndWaitWebhook.call(this);
	}
}
