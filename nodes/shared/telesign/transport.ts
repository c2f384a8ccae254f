/**
 * The one place that sends HTTP to Telesign: n8n's request helper with the Telesign Voice API credential
 * applied (Basic or TSA signing: the credential's authenticate(), applyTelesignAuth), the body serialised exactly once,
 * bounded retries on 429 only, and failures classified so callers can tell "not placed" from "maybe placed".
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { credentialValues } from '../credentialCache';
import { TELESIGN_CREDENTIAL, applyTelesignAuth } from './credentials';
import { parseRetryAfter } from './errors';
import { rawHeaderValue } from './signing';

export const JSON_CONTENT_TYPE = 'application/json';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_RETRY_WAIT_SECONDS = 120;
/**
 * Who sends: an operation's execute(), a polling trigger's poll() (the Recording Trigger), or a waiting Call and
 * Wait's webhook() (the next call of an on-call list).
 */
export type TelesignContext = IExecuteFunctions | IPollFunctions | IWebhookFunctions;

/** TransportError code of a request not sent because the execution was stopped. */
export const CANCELLED_CODE = 'EXECUTION_CANCELLED';

export interface TelesignRequest {
	method: IHttpRequestMethods;
	/** Path below the credential's base URL, e.g. "/v2/voice". */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
}

export interface TelesignResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
	/** How many HTTP requests were sent in all (1 + rate-limit retries). */
	attempts: number;
}

/**
 * A request that got no HTTP answer. `sent` says whether Telesign may have received it: "no" when the
 * connection was never made (nothing can have happened), "unknown" otherwise (timeout, reset, …).
 */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly sent: 'no' | 'unknown',
		readonly code: string | undefined,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

/** Errors that prove the request never reached a server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'ERR_INVALID_URL',
]);

function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function describeNetworkError(code: string | undefined, timeoutMs: number): string {
	switch (code) {
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'ESOCKETTIMEDOUT':
			return `no answer within ${Math.round(timeoutMs / 1000)} s (timeout)`;
		case 'ECONNRESET':
			return 'the connection was reset before Telesign answered';
		case 'ERR_CANCELED':
			return 'the execution was stopped while the request was on its way';
		case 'ECONNREFUSED':
			return 'the connection was refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'the host name of the Base URL could not be resolved';
		case undefined:
			return 'the request failed without an HTTP answer';
		default:
			return `the request failed without an HTTP answer (${code})`;
	}
}

/**
 * A waiting Call and Wait's webhook (the next call of an on-call list) signs with the credential values it has
 * just verified the relay with (credentialCache.ts, the same TTL and reasoning), through the same
 * applyTelesignAuth the credential's authenticate() runs: n8n's helper would read and resolve the credential
 * again for every dial, which made the time from a call's end to the next person's dial 2.4× a Webhook → Set
 * round trip (bench, "On-call lists"). execute() and poll() keep n8n's helper.
 */
async function sendAuthenticated(
	context: TelesignContext,
	options: IHttpRequestOptions,
): Promise<unknown> {
	if (typeof (context as IWebhookFunctions).getRequestObject === 'function') {
		const webhook = context as IWebhookFunctions;
		const credentials = await credentialValues(webhook, TELESIGN_CREDENTIAL);
		return await webhook.helpers.httpRequest(applyTelesignAuth(credentials, options));
	}
	return await context.helpers.httpRequestWithAuthentication.call(
		context,
		TELESIGN_CREDENTIAL,
		options,
	);
}

/** Sends one request; never throws for an HTTP status, only for a missing answer (TransportError). */
export async function sendTelesignRequestOnce(
	this: TelesignContext,
	request: TelesignRequest,
): Promise<Omit<TelesignResponse, 'attempts'>> {
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.path,
		headers: { Accept: JSON_CONTENT_TYPE },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
		json: true,
	};
	if (request.qs && Object.keys(request.qs).length > 0) options.qs = request.qs;
	if (request.body !== undefined) {
		// Serialised once here; the credential signs exactly this string and it is sent unchanged.
		options.body = JSON.stringify(request.body);
		options.headers = { ...options.headers, 'Content-Type': JSON_CONTENT_TYPE };
	}
	let response:
		| { statusCode: number; headers?: Record<string, unknown>; body: unknown }
		| undefined;
	let failureCode: string | undefined;
	try {
		response = (await sendAuthenticated(this, options)) as typeof response;
	} catch (error) {
		// The caught error may carry the request configuration (with the Authorization header): keep only
		// its code.
		failureCode = findErrorCode(error) ?? 'UNKNOWN';
	}
	if (response === undefined) {
		const code = failureCode === 'UNKNOWN' ? undefined : failureCode;
		const sent = code !== undefined && NOT_SENT_CODES.has(code) ? 'no' : 'unknown';
		throw new TransportError(describeNetworkError(code, timeoutMs), sent, code);
	}
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
}

export interface RetryPolicy {
	/** How many times a 429 answer is retried (0 = never). */
	maxRetries: number;
	/** First back-off step when Telesign sends no Retry-After, in ms (doubles each retry, with jitter). */
	baseDelayMs?: number;
	maxDelayMs?: number;
	random?: () => number;
}

/** Wait before the retry number `retry` (0-based): Retry-After when given, else exponential with jitter. */
export function retryDelayMs(
	retry: number,
	retryAfterHeader: unknown,
	policy: RetryPolicy,
): number {
	const retryAfter = parseRetryAfter(retryAfterHeader);
	if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_WAIT_SECONDS) * 1000;
	const base = policy.baseDelayMs ?? 1000;
	const cap = policy.maxDelayMs ?? 30_000;
	const ceiling = Math.min(cap, base * 2 ** retry);
	const random = policy.random ?? Math.random;
	// "Equal jitter": at least half the step, so retries spread out but never hammer.
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** n8n's signal for "the user stopped this execution" (n8n 2.x; absent in older versions and some contexts). */
export function cancelSignal(context: TelesignContext): AbortSignal | undefined {
	const execute = context as Partial<IExecuteFunctions>;
	return typeof execute.getExecutionCancelSignal === 'function'
		? execute.getExecutionCancelSignal()
		: undefined;
}

function notSentBecauseCancelled(): TransportError {
	return new TransportError(
		'the execution was stopped before the request was sent',
		'no',
		CANCELLED_CODE,
	);
}

/**
 * Sends a request, retrying only when Telesign answers 429 (the request was refused, so nothing happened).
 * Timeouts, resets and 5xx are never retried here: for a dial they may mean the call was placed. Once the
 * execution is stopped no request is started and a rate-limit wait ends at once (TransportError, not sent).
 */
export async function sendTelesignRequest(
	this: TelesignContext,
	request: TelesignRequest,
	policy: RetryPolicy,
): Promise<TelesignResponse> {
	const signal = cancelSignal(this);
	for (let attempt = 0; ; attempt++) {
		if (signal?.aborted) throw notSentBecauseCancelled();
		const response = await sendTelesignRequestOnce.call(this, request);
		if (response.statusCode !== 429 || attempt >= policy.maxRetries) {
			return { ...response, attempts: attempt + 1 };
		}
		const waitMs = retryDelayMs(attempt, rawHeaderValue(response.headers, 'retry-after'), policy);
		// Only an abort ends the wait early; every earlier attempt was refused with 429, so nothing was placed.
		const stopped = await sleep(waitMs, signal).then(
			() => false,
			() => true,
		);
		if (stopped) throw notSentBecauseCancelled();
	}
}
