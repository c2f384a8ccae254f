/**
 * Recording files as n8n items, for Recording → Download and the Telesign Voice Recording Trigger: read a call's
 * files from Telesign (signed, through the transport), wait while one is still `recording`, fetch the audio from
 * its pre-signed link WITHOUT any credential (streamed into n8n's binary data), and read a refused link again
 * from Telesign once.
 * https://developer.telesign.com/enterprise/docs/voice-download-recordings
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { telesignApiError } from '../apiError';
import { interpretRecordingResponse, recordingsNotFound } from '../telesign/errors';
import type { RecordingFile } from '../telesign/recordings';
import {
	describeRefusal,
	downloadLinkProblem,
	isRefusedLink,
	parseRecordingFiles,
	recordingMimeType,
} from '../telesign/recordings';
import type { TelesignContext } from '../telesign/transport';
import { cancelSignal } from '../telesign/transport';
import { recordingPath, requestRecordings } from './api';

/** Wait for the storage host's answer (headers); the body then streams for as long as it takes. */
export const LINK_TIMEOUT_MS = 60_000;
/** Pauses between two looks at a file that is still `recording` (the last one repeats). */
export const WAIT_STEPS_MS = [1_000, 2_000, 3_000, 5_000];

/** n8n's plain request helper, and nothing else: what fetches a pre-signed link can reach no credential. */
export type PlainRequest = IExecuteFunctions['helpers']['httpRequest'];

interface LinkResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: NodeJS.ReadableStream & { destroy?: () => void };
}

export interface FileItemOptions {
	/** Fetch the audio into binary data (false: transcript and metadata only). */
	download: boolean;
	binaryPropertyName: string;
}

function fileError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** The files Telesign has for a call (at least one: none is the "no recordings" error naming the call). */
export async function readCallFiles(
	this: TelesignContext,
	itemIndex: number,
	referenceId: string,
): Promise<RecordingFile[]> {
	const response = await requestRecordings.call(this, itemIndex, {
		method: 'GET',
		path: recordingPath(referenceId),
	});
	const outcome = interpretRecordingResponse(response.statusCode, response.body, referenceId);
	if (!outcome.ok) throw telesignApiError(this.getNode(), outcome, itemIndex);
	const files = parseRecordingFiles(outcome.body, referenceId);
	if (files.length === 0)
		throw telesignApiError(
			this.getNode(),
			recordingsNotFound(referenceId, response.statusCode),
			itemIndex,
		);
	return files;
}

/** Reads the call's files until none is `recording`, for at most maxWaitMs (0: read once, refuse a `recording` file). */
export async function readAvailableFiles(
	this: TelesignContext,
	itemIndex: number,
	referenceId: string,
	maxWaitMs: number,
): Promise<RecordingFile[]> {
	const started = Date.now();
	const signal = cancelSignal(this);
	for (let look = 0; ; look++) {
		const files = await readCallFiles.call(this, itemIndex, referenceId);
		const pending = files.filter((file) => file.status === 'recording');
		if (pending.length === 0) return files;
		const left = maxWaitMs - (Date.now() - started);
		if (left <= 0) {
			const names = pending.map((file) => file.fileName).join(', ');
			throw fileError(
				this.getNode(),
				itemIndex,
				maxWaitMs === 0
					? `The recording of call ${referenceId} is not available yet (${names}: status "recording")`
					: `The recording of call ${referenceId} did not become available within ${Math.round(maxWaitMs / 1000)} s (${names}: status "recording")`,
				maxWaitMs === 0
					? 'Telesign is still recording or processing the call. Turn on Options → Wait Until Available, or download it later.'
					: 'Telesign is still recording or processing the call. Raise Options → Max Wait Time, or use the Telesign Voice Recording Trigger, which emits each recording once it is available.',
			);
		}
		// Only a stop of the execution ends the pause early: then nothing more is asked of Telesign.
		const stopped = await sleep(
			Math.min(WAIT_STEPS_MS[Math.min(look, WAIT_STEPS_MS.length - 1)], left),
			signal,
		).then(
			() => false,
			() => true,
		);
		if (stopped)
			throw fileError(
				this.getNode(),
				itemIndex,
				`The download of call ${referenceId} was stopped while waiting for its recording`,
				'The execution was stopped.',
			);
	}
}

/**
 * GET on a pre-signed link with n8n's plain request helper (never the authenticated one): the link is its own
 * authorization, so no header of ours travels with it, and a redirect elsewhere gets none either.
 */
export async function fetchLink(
	httpRequest: PlainRequest,
	url: string,
	signal?: AbortSignal,
): Promise<LinkResponse> {
	const response = (await httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: LINK_TIMEOUT_MS,
		sendCredentialsOnCrossOriginRedirect: false,
		...(signal ? { abortSignal: signal } : {}),
	})) as LinkResponse;
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
}

/** The code of a failed request only: the error object repeats the link, which is a bearer token for the file. */
const failureCode = (error: unknown) => {
	const code = (error as { code?: unknown })?.code;
	return typeof code === 'string' ? code : 'no answer';
};

/** Opens the file's audio; a refused link is read again from Telesign once. */
async function openAudio(
	this: TelesignContext,
	itemIndex: number,
	file: RecordingFile,
): Promise<LinkResponse> {
	const what = `${file.fileName} (call ${file.referenceId})`;
	let current = file;
	let refusal = '';
	for (let attempt = 0; attempt < 2; attempt++) {
		if (attempt === 1) {
			const fresh = (await readCallFiles.call(this, itemIndex, file.referenceId)).find(
				(f) => f.fileName === file.fileName,
			);
			if (fresh === undefined || fresh.status === 'deleted') {
				throw fileError(
					this.getNode(),
					itemIndex,
					`The recording ${what} was deleted`,
					`Its link was refused (${refusal}) and Telesign ${fresh ? 'now lists it as deleted' : 'no longer lists it'}.`,
				);
			}
			current = fresh;
		}
		const problem = downloadLinkProblem(current.url);
		if (problem !== undefined) {
			refusal = problem;
			continue;
		}
		let response: LinkResponse;
		try {
			response = await fetchLink(
				this.helpers.httpRequest,
				current.url as string,
				cancelSignal(this),
			);
		} catch (error) {
			throw fileError(
				this.getNode(),
				itemIndex,
				`The download of ${what} failed: ${failureCode(error)}`,
				'The storage host of the recording did not answer. Try again later.',
			);
		}
		if (response.statusCode >= 200 && response.statusCode < 300) return response;
		response.body.destroy?.();
		refusal = describeRefusal(response.statusCode);
		if (!isRefusedLink(response.statusCode)) {
			throw fileError(
				this.getNode(),
				itemIndex,
				`The storage host answered ${refusal} for ${what}`,
				'Try again later.',
			);
		}
	}
	throw fileError(
		this.getNode(),
		itemIndex,
		`The download link of ${what} was refused (${refusal}), also after reading it again from Telesign`,
		'Download links are pre-signed and expire. Check the clock of the n8n host, then run the node again.',
	);
}

/** Streams the audio into n8n's binary data store (not one string in memory); the size is what was stored. */
async function storeAudio(
	this: TelesignContext,
	itemIndex: number,
	file: RecordingFile,
): Promise<IBinaryData> {
	const response = await openAudio.call(this, itemIndex, file);
	const mimeType = recordingMimeType(file.fileName, response.headers['content-type']);
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(
			response.body as Parameters<typeof this.helpers.prepareBinaryData>[0],
			file.fileName,
			mimeType,
		);
	} catch (error) {
		throw fileError(
			this.getNode(),
			itemIndex,
			`The download of ${file.fileName} (call ${file.referenceId}) broke off: ${failureCode(error)}`,
			'Run the node again.',
		);
	}
	const declared = Number(response.headers['content-length']);
	if (Number.isInteger(declared) && binary.bytes !== undefined && binary.bytes !== declared) {
		throw fileError(
			this.getNode(),
			itemIndex,
			`The download of ${file.fileName} (call ${file.referenceId}) was cut short: ${binary.bytes} of ${declared} bytes arrived`,
			'Run the node again.',
		);
	}
	return binary;
}

/** A file's metadata and transcript as the item's JSON (no link: it expires, and it opens the file to anyone). */
export function fileJson(file: RecordingFile): IDataObject {
	return {
		reference_id: file.referenceId,
		file_name: file.fileName,
		status: file.status,
		date: file.date,
		transcript: file.transcript.text,
		transcript_status: file.transcript.status,
		transcript_language: file.transcript.language,
	};
}

/** One item for one available file: JSON, and the audio as binary data when asked for. */
export async function fileItem(
	this: TelesignContext,
	itemIndex: number,
	file: RecordingFile,
	options: FileItemOptions,
): Promise<INodeExecutionData> {
	const json = fileJson(file);
	if (!options.download) return { json };
	const binary = await storeAudio.call(this, itemIndex, file);
	json.mime_type = binary.mimeType;
	json.size = binary.bytes ?? null;
	return { json, binary: { [options.binaryPropertyName]: binary } };
}
