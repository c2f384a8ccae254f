/**
 * A call's recording files as Telesign describes them, and what the package makes of them. Pure.
 * `GET /v2/call_recording/{reference_id}` answers, per file, `file_name`, `status` (`recording` | `available` |
 * `deleted`), `date`, a pre-signed expiring `url` and `transcribe {language_code, transcription[{status, result}]}`
 * (https://developer.telesign.com/enterprise/docs/voice-download-recordings).
 */

export type RecordingStatus = 'recording' | 'available' | 'deleted' | string;

export interface Transcript {
	/** The results of every transcription entry, in order, one per line; null when Telesign gave none. */
	text: string | null;
	/** The entries' status ("completed", …); several different ones are listed with commas; null without entries. */
	status: string | null;
	language: string | null;
}

export interface RecordingFile {
	referenceId: string;
	fileName: string;
	status: RecordingStatus;
	date: string | null;
	url: string | null;
	transcript: Transcript;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | null =>
	typeof value === 'string' && value !== '' ? value : null;

export function transcriptOf(transcribe: unknown): Transcript {
	if (!isObject(transcribe)) return { text: null, status: null, language: null };
	const entries = Array.isArray(transcribe.transcription)
		? transcribe.transcription.filter(isObject)
		: [];
	const results = entries
		.map((entry) => entry.result)
		.filter((result): result is string => typeof result === 'string' && result !== '');
	const statuses = [
		...new Set(
			entries
				.map((entry) => text(entry.status))
				.filter((status): status is string => status !== null),
		),
	];
	return {
		text: results.length > 0 ? results.join('\n') : null,
		status: statuses.length > 0 ? statuses.join(', ') : null,
		language: text(transcribe.language_code),
	};
}

/** The files of one call from Telesign's answer (an array, or one object); entries without a file name are left out. */
export function parseRecordingFiles(body: unknown, referenceId: string): RecordingFile[] {
	const entries = Array.isArray(body) ? body : [body];
	return entries.filter(isObject).flatMap((entry) => {
		const fileName = text(entry.file_name);
		if (fileName === null) return [];
		return [
			{
				referenceId: text(entry.reference_id) ?? referenceId,
				fileName,
				status: text(entry.status) ?? 'unknown',
				date: text(entry.date),
				url: text(entry.url),
				transcript: transcriptOf(entry.transcribe),
			},
		];
	});
}

/** The one key of a recording file (a call may have several files; file names carry the call's reference_id). */
export function recordingKey(recording: { reference_id?: unknown; file_name?: unknown }): string {
	return `${String(recording.reference_id ?? '')}/${String(recording.file_name ?? '')}`;
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
	wav: 'audio/wav',
	mp3: 'audio/mpeg',
	ogg: 'audio/ogg',
	m4a: 'audio/mp4',
	flac: 'audio/flac',
};

/** MIME type from Telesign's file name (its recordings are `.wav`); else what the storage host said; else bytes. */
export function recordingMimeType(fileName: string, contentType?: unknown): string {
	const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
	if (extension !== undefined && MIME_BY_EXTENSION[extension]) return MIME_BY_EXTENSION[extension];
	const header =
		typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	return /^[a-z]+\/[a-z0-9.+-]+$/.test(header) ? header : 'application/octet-stream';
}

/**
 * What is wrong with a download link, or undefined when it can be fetched as it is. Only http(s), and never a
 * link with user:password in it: the link itself is the authorization, nothing else may travel with it.
 */
export function downloadLinkProblem(url: string | null): string | undefined {
	if (url === null) return 'Telesign gave no download link';
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'the download link is not a URL';
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
		return `the download link uses ${parsed.protocol}, not https`;
	if (parsed.username !== '' || parsed.password !== '')
		return 'the download link carries a user name or password';
	return undefined;
}

/** Storage answers that mean "this link is no good (any more)": expired, signature changed, gone. */
export function isRefusedLink(statusCode: number): boolean {
	return (
		statusCode === 400 ||
		statusCode === 401 ||
		statusCode === 403 ||
		statusCode === 404 ||
		statusCode === 410
	);
}

/** The storage host's answer without its body, for error messages (a signed link is not repeated). */
export function describeRefusal(statusCode: number): string {
	if (statusCode === 403) return 'HTTP 403: the link expired or its signature was refused';
	if (statusCode === 404 || statusCode === 410)
		return `HTTP ${statusCode}: the file is not (or no longer) there`;
	return `HTTP ${statusCode}`;
}
