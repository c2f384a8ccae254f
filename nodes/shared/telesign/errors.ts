/**
 * What Telesign's answers mean: the only place that knows the status strings of the Voice API and the
 * Recordings API. Pure: turns (HTTP status, body) into an outcome the transport acts on.
 * https://developer.telesign.com/enterprise/docs/voice-get-started
 * https://developer.telesign.com/enterprise/docs/voice-download-recordings
 */

export interface StatusMeaning {
	meaning: string;
	/** What the user should do about it. */
	fix: string;
}

export const VOICE_STATUS_MEANINGS: Readonly<Record<string, StatusMeaning>> = {
	dial_accepted: { meaning: 'Telesign accepted the dial and is placing the call', fix: '' },
	premium_to_number_rejected: {
		meaning: 'the destination is a premium-rate number, which Telesign does not call',
		fix: 'Use a regular (non-premium) destination number.',
	},
	to_number_blocked_by_country: {
		meaning:
			"calls to the destination's country are blocked (in your Telesign portal settings or by Telesign)",
		fix: 'Allow the country in the Telesign portal, or ask Telesign support to enable it.',
	},
	to_number_blocked_by_customer: {
		meaning: 'the destination is on your own blocklist in the Telesign portal',
		fix: 'Remove the number from your blocklist in the Telesign portal if the call is wanted.',
	},
	to_number_blocked_by_telesign: {
		meaning: 'Telesign blocks calls to this destination globally',
		fix: 'Contact Telesign support if you believe the number should be reachable.',
	},
	caller_id_number_not_owned: {
		meaning: 'the Caller ID Number is not a number your account leases from Telesign',
		fix: 'Set Caller ID Number to a number leased from Telesign (when bridging an inbound call, the "from" number of the incoming_call event).',
	},
	caller_id_number_not_provided: {
		meaning: 'the dial had no Caller ID Number',
		fix: 'Set Caller ID Number to a number leased from Telesign.',
	},
	invalid_phone_number: {
		meaning: 'Telesign did not accept a phone number as valid',
		fix: 'Use the full international number with country code, digits only (e.g. 15555551212).',
	},
	to_number_not_provided: {
		meaning: 'the dial had no destination number',
		fix: 'Set To to the number to call.',
	},
	unsupported_call_state: {
		meaning: 'the action is not allowed in the current state of the call',
		fix: 'Check which actions are allowed after which event (e.g. send_dtmf only after dial_completed; dial only for new calls or in answer to incoming_call).',
	},
	credentials_not_provided: {
		meaning: 'the request carried no credentials',
		fix: 'Check the Telesign Voice API credential: Customer ID and API Key must both be set.',
	},
	not_authorized: {
		meaning: 'Telesign rejected the Customer ID / API key',
		fix: 'Check the Customer ID, the API Key and the Authentication Method of the Telesign Voice API credential, and that Voice is enabled for your account.',
	},
	rate_limit_exceeded: {
		meaning: "your account's call rate limit was exceeded",
		fix: 'Lower Concurrency, raise Rate Limit Retries, or ask Telesign to raise your limit.',
	},
};

export type ErrorKind =
	| 'rejected' // 200 *_rejected / *_blocked_*: Telesign refused the call; nothing was placed
	| 'validation' // 400
	| 'auth' // 401 / 403
	| 'not_found' // 404
	| 'rate_limited' // 429: not accepted, safe to retry
	| 'server' // 5xx: outcome unknown for a dial
	| 'unexpected'; // anything else

export type Outcome<T = unknown> =
	| { ok: true; body: T }
	| {
			ok: false;
			kind: ErrorKind;
			httpCode: number;
			status?: string;
			referenceId?: string;
			message: string;
			description: string;
	  };

function asRecord(body: unknown): Record<string, unknown> | undefined {
	if (body !== null && typeof body === 'object' && !Array.isArray(body))
		return body as Record<string, unknown>;
	if (typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			return asRecord(JSON.parse(body));
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/** Telesign's status string: a flat string for /v2 APIs; {code, description} for older APIs. */
export function readStatus(body: unknown): string | undefined {
	const record = asRecord(body);
	if (!record) return undefined;
	const status = record.status;
	if (typeof status === 'string') return status;
	if (status && typeof status === 'object') {
		const { code, description } = status as Record<string, unknown>;
		if (typeof description === 'string')
			return code !== undefined ? `${String(code)} ${description}` : description;
	}
	return undefined;
}

function describeStatus(status: string | undefined): StatusMeaning | undefined {
	return status === undefined ? undefined : VOICE_STATUS_MEANINGS[status];
}

function kindForHttp(httpCode: number): ErrorKind {
	if (httpCode === 400) return 'validation';
	if (httpCode === 401 || httpCode === 403) return 'auth';
	if (httpCode === 404) return 'not_found';
	if (httpCode === 429) return 'rate_limited';
	if (httpCode >= 500) return 'server';
	return 'unexpected';
}

/** Default advice per HTTP code when Telesign's status string is missing or unknown. */
const HTTP_ADVICE: Record<ErrorKind, string> = {
	rejected: 'Telesign did not place the call.',
	validation: 'Telesign rejected the request as invalid. Check the fields of this item.',
	auth: VOICE_STATUS_MEANINGS.not_authorized.fix,
	not_found:
		'Nothing was found. Check the Reference ID, and that the Base URL of the credential points at the Telesign REST API.',
	rate_limited: VOICE_STATUS_MEANINGS.rate_limit_exceeded.fix,
	server: 'Telesign had an internal error; try again later.',
	unexpected: 'Telesign answered in a way this node does not recognise.',
};

/**
 * Interprets an answer of the Voice API (POST /v2/voice). 202 is success; a 200 with a *_rejected or
 * *_blocked_* status is a refusal (the call was NOT placed); other codes are errors.
 */
export function interpretVoiceResponse(
	httpCode: number,
	body: unknown,
): Outcome<Record<string, unknown>> {
	const record = asRecord(body);
	const status = readStatus(body);
	const referenceId = typeof record?.reference_id === 'string' ? record.reference_id : undefined;
	if (httpCode === 202 || (httpCode >= 200 && httpCode < 300 && status === 'dial_accepted')) {
		return { ok: true, body: record ?? {} };
	}
	if (httpCode >= 200 && httpCode < 300) {
		const known = describeStatus(status);
		return {
			ok: false,
			kind: 'rejected',
			httpCode,
			status,
			referenceId,
			message: `Telesign refused the call: ${status ?? 'no status given'}${known ? ` (${known.meaning})` : ''}`,
			description: `${known?.fix ?? ''} No call was placed.`.trim(),
		};
	}
	return errorOutcome(httpCode, body, 'Telesign Voice API');
}

/** Interprets an answer of any other Telesign API call (Recordings); 2xx is success. */
export function interpretResponse(httpCode: number, body: unknown, api: string): Outcome {
	if (httpCode >= 200 && httpCode < 300) return { ok: true, body };
	return errorOutcome(httpCode, body, api);
}

function errorOutcome(
	httpCode: number,
	body: unknown,
	api: string,
): Outcome<never> & { ok: false } {
	const record = asRecord(body);
	const status = readStatus(body);
	const referenceId = typeof record?.reference_id === 'string' ? record.reference_id : undefined;
	const kind = kindForHttp(httpCode);
	const known = describeStatus(status);
	const what = known ? `${status} (${known.meaning})` : (status ?? `HTTP ${httpCode}`);
	return {
		ok: false,
		kind,
		httpCode,
		status,
		referenceId,
		message: `${api} error ${httpCode}: ${what}`,
		description: known?.fix || HTTP_ADVICE[kind],
	};
}

/** Seconds to wait from a Retry-After header (seconds or HTTP date); undefined when absent or unusable. */
export function parseRetryAfter(value: unknown, now: Date = new Date()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, (date - now.getTime()) / 1000);
}

/**
 * Whether a failed dial may nevertheless have placed a call: Telesign may have acted before a 5xx (or an
 * answer this package does not understand). 4xx and refusals (200 *_rejected / *_blocked_*) place no call.
 */
export function dialMayHaveBeenPlaced(kind: ErrorKind, httpCode: number): boolean {
	if (kind === 'server') return true;
	if (kind === 'unexpected') return httpCode < 400 || httpCode >= 500;
	return false;
}

/** Message for a dial whose outcome is unknown (timeout, reset after sending, 5xx): never retried. */
export function callMayHaveBeenPlacedMessage(whatHappened: string, externalId: string): string {
	return (
		`The call may have been placed: ${whatHappened}. It was not retried, to avoid calling twice. ` +
		`Reconcile with external_id "${externalId}" (it appears on dial_completed / call_completed events) before dialing again.`
	);
}

/** Message for a dial that provably never reached Telesign. */
export function callNotPlacedMessage(reason: string): string {
	return `No call was placed: ${reason}. Check the Base URL of the Telesign Voice API credential and the network connection.`;
}

export const RECORDINGS_API = 'Telesign Recordings API';

/** The answer for a call without recordings (Recordings API 404, or an empty list). */
export function recordingsNotFound(
	referenceId: string,
	httpCode = 404,
): Outcome<never> & { ok: false } {
	return {
		ok: false,
		kind: 'not_found',
		httpCode,
		referenceId,
		message: `No recordings found for reference ID ${referenceId}`,
		description:
			'Telesign has no recordings for this call: recording may not be enabled for your account, the recording may not be ready yet, or it was deleted. Check the reference ID (the reference_id of the Dial output or of the call events).',
	};
}

/**
 * Interprets an answer of the Recordings API for one call (GET or DELETE /v2/call_recording/{reference_id}):
 * 404 means Telesign has no recordings for that call; a 503 with failed_delete is a partial delete.
 */
export function interpretRecordingResponse(
	httpCode: number,
	body: unknown,
	referenceId: string,
): Outcome {
	if (httpCode === 404)
		return { ...recordingsNotFound(referenceId, httpCode), status: readStatus(body) };
	const record = asRecord(body);
	if (httpCode === 503 && record && Array.isArray(record.failed_delete)) {
		const failed = record.failed_delete.map(String);
		const succeeded = Array.isArray(record.succeed_delete) ? record.succeed_delete.map(String) : [];
		return {
			ok: false,
			kind: 'server',
			httpCode,
			status: readStatus(body),
			referenceId,
			message: `Telesign deleted only some recordings of reference ID ${referenceId}: failed to delete ${failed.join(', ') || 'unknown files'}`,
			description: `${succeeded.length > 0 ? `Deleted: ${succeeded.join(', ')}. ` : ''}Run Delete again later to remove the rest.`,
		};
	}
	return interpretResponse(httpCode, body, RECORDINGS_API);
}

/**
 * Interprets a page of the recordings list (GET /v2/call_recording). Telesign answers 404 when nothing was
 * found, which for a list simply means no recordings in the date range.
 */
export function interpretRecordingListResponse(
	httpCode: number,
	body: unknown,
): Outcome<{ recordings: Array<Record<string, unknown>>; token?: string }> {
	if (httpCode === 404) return { ok: true, body: { recordings: [] } };
	const outcome = interpretResponse(httpCode, body, RECORDINGS_API);
	if (!outcome.ok) return outcome;
	const record = asRecord(body) ?? {};
	const recordings = Array.isArray(record.call_recordings)
		? record.call_recordings.filter(
				(entry): entry is Record<string, unknown> =>
					entry !== null && typeof entry === 'object' && !Array.isArray(entry),
			)
		: [];
	const token = typeof record.token === 'string' && record.token !== '' ? record.token : undefined;
	return { ok: true, body: { recordings, token } };
}
