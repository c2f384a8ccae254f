/**
 * The helpers the recording tests share: the Telesign simulator (test/simulator) as Telesign and its storage host,
 * n8n's plain request helper as a real streamed request (recorded), and a binary store that reads the stream.
 */
import axios from 'axios';
import type { IBinaryData, IHttpRequestOptions } from 'n8n-workflow';

import { testCredentials } from '../../helpers/executeContext';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TelesignSimulator } = require('../../simulator');

export const credentials = testCredentials('basic');

export async function startSimulator(options: Record<string, unknown> = {}) {
	const sim = new TelesignSimulator({
		accounts: [{ customerId: credentials.customerId, apiKey: credentials.apiKey }],
		...options,
	});
	await sim.start();
	return { sim, credentials: { ...credentials, baseUrl: sim.url as string } };
}

/** n8n's plain httpRequest for `encoding: 'stream'` + returnFullResponse, with every call's options recorded. */
export function plainHttpRequest() {
	const calls: IHttpRequestOptions[] = [];
	const httpRequest = jest.fn(async (options: IHttpRequestOptions) => {
		calls.push(options);
		const response = await axios.request({
			method: options.method ?? 'GET',
			url: options.url,
			headers: options.headers as Record<string, string>,
			responseType: options.encoding === 'stream' ? 'stream' : 'json',
			validateStatus: () => true,
			timeout: options.timeout,
		});
		return { statusCode: response.status, headers: { ...response.headers }, body: response.data };
	});
	return { httpRequest, calls };
}

/** prepareBinaryData as n8n's in-memory mode does it: reads the stream, keeps base64, counts the bytes. */
export async function prepareBinaryData(
	stream: NodeJS.ReadableStream,
	fileName?: string,
	mimeType?: string,
): Promise<IBinaryData> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	const buffer = Buffer.concat(chunks);
	return {
		data: buffer.toString('base64'),
		mimeType: mimeType ?? 'text/plain',
		fileName,
		bytes: buffer.length,
	};
}

/** Every header the storage host received, all requests together, as one text. */
export function storageHeaderText(sim: {
	storageRequests: () => Array<{ headers: Record<string, unknown> }>;
}): string {
	return JSON.stringify(sim.storageRequests().map((request) => request.headers));
}
