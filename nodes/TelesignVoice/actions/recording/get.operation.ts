/** Recording → Get: the recording files of one call (one output item per file, with a download URL). */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { recordingsNotFound } from '../../../shared/telesign/errors';
import { telesignApiError } from '../../../shared/apiError';
import { referenceIdField, runOnCallRecordings } from './callRecordings';

export const description: INodeProperties[] = [
	referenceIdField(
		'get',
		'Each recording comes with a URL to download it; the URL expires after a while',
	),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runOnCallRecordings(
		this,
		items,
		'GET',
		(referenceId, body, statusCode, itemIndex) => {
			const files = (Array.isArray(body) ? body : [body]).filter(
				(file): file is IDataObject =>
					file !== null && typeof file === 'object' && !Array.isArray(file),
			);
			if (files.length === 0)
				throw telesignApiError(
					this.getNode(),
					recordingsNotFound(referenceId, statusCode),
					itemIndex,
				);
			return files;
		},
	);
}
