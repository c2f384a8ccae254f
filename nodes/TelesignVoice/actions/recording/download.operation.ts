/**
 * Recording → Download: each recording file of a call as one item, with the audio as n8n binary data and the
 * transcript as text. The steps (reading the files, waiting, the credential-free download) are in
 * nodes/shared/recordings/files.ts, which the Recording Trigger uses too.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validateInteger, validateReferenceId } from '../../../shared/telesign/validation';
import { getOptions, runApiOperationItems } from '../runItems';
import { fileItem, readAvailableFiles } from '../../../shared/recordings/files';
import { referenceIdField } from './callRecordings';

export const DEFAULT_MAX_WAIT_SECONDS = 300;
export const MAX_WAIT_SECONDS = 3600;

const displayOptions = { show: { resource: ['recording'], operation: ['download'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the audio file in (not used with Transcript Only)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Max Wait Time',
				name: 'maxWaitTime',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_WAIT_SECONDS },
				default: DEFAULT_MAX_WAIT_SECONDS,
				description:
					'Seconds to wait at most for a file that is still being recorded (with Wait Until Available)',
			},
			{
				displayName: 'Transcript Only',
				name: 'transcriptOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to output only the transcript and the metadata, without downloading the audio',
			},
			{
				displayName: 'Wait Until Available',
				name: 'waitUntilAvailable',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait while Telesign is still recording or processing the call (status "recording"), checking again every few seconds up to Max Wait Time. Off: such a call is an error.',
			},
		],
	},
];

export const description: INodeProperties[] = [
	referenceIdField(
		'download',
		'Each recording file becomes one item, with the audio as binary data and the transcript in "transcript"',
	),
	...updateDisplayOptions(displayOptions, properties),
];

interface DownloadRequest {
	referenceId: string;
	binaryPropertyName: string;
	maxWaitMs: number;
	download: boolean;
}

function prepare(this: IExecuteFunctions, itemIndex: number): DownloadRequest {
	const referenceId = validateReferenceId(
		this.getNodeParameter('referenceId', itemIndex),
		'Reference ID',
	);
	const options = getOptions.call(this, itemIndex);
	const download = options.transcriptOnly !== true;
	const binaryPropertyName = String(
		this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '',
	).trim();
	if (download && binaryPropertyName === '') {
		throw new NodeOperationError(
			this.getNode(),
			'Put Output File in Field is empty: name the binary field for the audio, e.g. "data"',
			{ itemIndex },
		);
	}
	const wait = options.waitUntilAvailable !== false;
	const maxWaitSeconds = wait
		? validateInteger(
				options.maxWaitTime ?? DEFAULT_MAX_WAIT_SECONDS,
				'Max Wait Time',
				1,
				MAX_WAIT_SECONDS,
			)
		: 0;
	return { referenceId, binaryPropertyName, maxWaitMs: maxWaitSeconds * 1000, download };
}

async function download(
	this: IExecuteFunctions,
	itemIndex: number,
	request: DownloadRequest,
): Promise<INodeExecutionData[]> {
	const files = await readAvailableFiles.call(
		this,
		itemIndex,
		request.referenceId,
		request.maxWaitMs,
	);
	const available = files.filter((file) => file.status === 'available');
	const skipped = files.filter((file) => file.status !== 'available');
	if (skipped.length > 0) {
		this.addExecutionHints({
			message: `Call ${request.referenceId}: skipped ${skipped.map((file) => `${file.fileName} (${file.status})`).join(', ')}`,
			location: 'outputPane',
		});
	}
	if (available.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`No recording of call ${request.referenceId} can be downloaded: ${skipped.map((file) => `${file.fileName} is ${file.status}`).join(', ')}`,
			{
				itemIndex,
				description: 'Deleted recordings cannot be downloaded any more.',
			},
		);
	}
	const output: INodeExecutionData[] = [];
	for (const file of available) {
		output.push(
			await fileItem.call(this, itemIndex, file, {
				download: request.download,
				binaryPropertyName: request.binaryPropertyName,
			}),
		);
	}
	return output;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runApiOperationItems(
		this,
		items,
		(itemIndex) => prepare.call(this, itemIndex),
		async (itemIndex, request) => await download.call(this, itemIndex, request),
		(itemIndex) => ({
			reference_id: this.getNodeParameter('referenceId', itemIndex, '') as string,
		}),
	);
}
