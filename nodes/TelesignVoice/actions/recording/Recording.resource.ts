import type { INodeProperties } from 'n8n-workflow';

import * as deleteRecording from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { deleteRecording as delete, download, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recording'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete the recordings of a call by its reference ID',
				action: 'Delete the recordings of a call',
			},
			{
				name: 'Download',
				value: 'download',
				description:
					'Download the recordings of a call as audio files (binary data), with their transcripts',
				action: 'Download the recordings of a call',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the recordings of a call by its reference ID, with download URLs',
				action: 'Get the recordings of a call',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the recordings made in a UTC date range',
				action: 'Get many recordings',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...download.description,
	...deleteRecording.description,
];
