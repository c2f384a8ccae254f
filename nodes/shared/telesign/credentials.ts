/**
 * How a Telesign Voice API credential is applied to an outgoing request (Basic, or TSA signing: stored as "digest").
 * Kept beside the signing code so the credential class stays declarative and this stays unit-testable.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { buildBasicAuthorization, buildTsaHeaders, headerKeys } from './signing';
import { tryParseUrl } from './validation';

export const DEFAULT_BASE_URL = 'https://rest-ww.telesign.com';
/** The names of the package's credential types, as the credential classes declare them. */
export const TELESIGN_CREDENTIAL = 'telesignVoiceApi';
export const WEBHOOK_AUTH_CREDENTIAL = 'telesignVoiceWebhookAuthApi';

export type AuthMethod = 'basic' | 'digest';

export interface TelesignCredentials {
	customerId: string;
	apiKey: string;
	authMethod: AuthMethod;
	baseUrl: string;
}

/** Validates a Base URL: http(s), a host, and no path beyond "/" (Telesign's paths are added per request). */
export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	const url = tryParseUrl(text);
	if (url === undefined)
		throw new Error(`Base URL "${text}" is not a URL: use e.g. ${DEFAULT_BASE_URL}`);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(
			`Base URL "${text}" must start with https:// (or http:// for a local simulator)`,
		);
	}
	if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
		throw new Error(
			`Base URL "${text}" must not have a path: use only the scheme and host, e.g. ${DEFAULT_BASE_URL}`,
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw new Error(
			'Base URL must not contain a user name or password: put them in Customer ID and API Key',
		);
	}
	return `${url.protocol}//${url.host}`;
}

export function readCredentials(credentials: ICredentialDataDecryptedObject): TelesignCredentials {
	const customerId =
		typeof credentials.customerId === 'string' ? credentials.customerId.trim() : '';
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (customerId === '') throw new Error('The Telesign Voice API credential has no Customer ID');
	if (apiKey === '') throw new Error('The Telesign Voice API credential has no API Key');
	const authMethod: AuthMethod = credentials.authMethod === 'digest' ? 'digest' : 'basic';
	return { customerId, apiKey, authMethod, baseUrl: normalizeBaseUrl(credentials.baseUrl) };
}

/**
 * The URL a request goes to, in every shape n8n hands to authenticate(): `url` (httpRequestWithAuthentication)
 * or `uri` (the legacy request path, used e.g. by the HTTP Request node and requestWithAuthentication).
 */
function requestTarget(options: IHttpRequestOptions): { target: string; legacy: boolean } {
	if (typeof options.url === 'string' && options.url !== '')
		return { target: options.url, legacy: false };
	const uri = (options as { uri?: unknown }).uri;
	if (uri !== undefined && uri !== null && String(uri) !== '')
		return { target: String(uri), legacy: true };
	return { target: '/', legacy: false };
}

/**
 * Returns a copy of the request with Telesign authentication applied. For TSA signing, an object body is
 * serialised here once and that exact string is both signed and sent; the Content-Type signed is the one sent.
 */
export function applyTelesignAuth(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	now?: Date,
	nonce?: string,
): IHttpRequestOptions {
	const creds = readCredentials(credentials);
	const options: IHttpRequestOptions = {
		...requestOptions,
		headers: { ...(requestOptions.headers ?? {}) },
	};
	const headers = options.headers as IDataObject;
	const { target, legacy } = requestTarget(options);
	const absolute = /^https?:\/\//i.test(target);
	if (!legacy && !options.baseURL && !absolute) options.baseURL = creds.baseUrl;
	for (const key of headerKeys(headers, 'authorization')) delete headers[key];

	if (creds.authMethod === 'basic') {
		headers.Authorization = buildBasicAuthorization(creds.customerId, creds.apiKey);
		return options;
	}

	const method = (options.method ?? 'GET').toUpperCase();
	let body = '';
	if (options.body !== undefined && options.body !== null && options.body !== '') {
		if (typeof options.body === 'string') body = options.body;
		else if (Buffer.isBuffer(options.body)) body = options.body.toString('utf8');
		else if (typeof options.body === 'object' && !(options.body instanceof URLSearchParams)) {
			body = JSON.stringify(options.body);
		} else body = String(options.body);
		if (method !== 'GET' && method !== 'DELETE' && body !== '') options.body = body;
	}
	if (method === 'GET' || method === 'DELETE') body = '';
	let contentType = '';
	if (body !== '') {
		const key = headerKeys(headers, 'content-type')[0];
		if (key === undefined) headers['Content-Type'] = 'application/json';
		contentType = String(headers[key ?? 'Content-Type']);
	}
	// TSA signs the path only (no query string), whichever shape carried it.
	const resource = new URL(target, absolute ? undefined : (options.baseURL ?? creds.baseUrl))
		.pathname;
	Object.assign(
		headers,
		buildTsaHeaders(creds.customerId, creds.apiKey, {
			method,
			contentType,
			body,
			resource,
			now,
			nonce,
		}),
	);
	return options;
}
