/**
 * Telesign Voice Recording Trigger: polls Telesign's Recordings API and starts the workflow once per call
 * recording that became available, with its transcript and (optionally) its audio as binary data. A polling node
 * of its own, as n8n's packages do it (a webhook trigger cannot also poll), named so that searching "recording"
 * finds it. The poll itself is in poll.ts.
 */
import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { pollRecordings } from './poll';

export class TelesignVoiceRecordingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telesign Voice Recording Trigger',
		name: 'telesignVoiceRecordingTrigger',
		icon: {
			light: 'file:telesignRecordingTrigger.svg',
			dark: 'file:telesignRecordingTrigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["downloadAudio"] ? "New recordings, with audio" : "New recordings"}}',
		description:
			'Starts the workflow when a Telesign Voice call recording becomes available, with its transcript and audio file',
		defaults: { name: 'On New Call Recording' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'telesignVoiceApi', required: true }],
		properties: [
			{
				displayName:
					'Emits one item per recording file that becomes available after the workflow is activated (each exactly once). Recording must be enabled for your Telesign account.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Download Audio',
				name: 'downloadAudio',
				type: 'boolean',
				default: true,
				description:
					'Whether to download each recording as binary data (off: metadata and transcript only)',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				required: true,
				default: 'data',
				hint: 'The name of the output binary field to put the audio file in',
				displayOptions: { show: { downloadAudio: [true] } },
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollRecordings.call(this);
	}
}
