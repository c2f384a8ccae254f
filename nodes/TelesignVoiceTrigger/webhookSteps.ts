/**
 * The steps of TelesignVoiceTrigger.webhook(), each a named function: method check → authentication →
 * raw body → parse → event filter → item. A step either lets the request through or returns the HTTP
 * answer (a Reply) that ends it without starting an execution.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	INode,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	TELESIGN_CREDENTIAL,
	WEBHOOK_AUTH_CREDENTIAL,
	readCredentials,
} from '../shared/telesign/credentials';
import type { TelesignEvent } from '../shared/telesign/events';
import { isEventSelected, parseEventBody } from '../shared/telesign/events';
import { decodeApiKey, headerValue, verifyCallbackSignature } from '../shared/telesign/signing';
import type { HeaderBag } from '../shared/telesign/signing';
import {
	WEBHOOK_AUTH_REALM,
	buildBasicChallenge,
	buildDigestChallenges,
	verifyBasicAuth,
	verifyDigestAuth,
	webhookCredentialProblems,
} from '../shared/telesign/webhookAuth';
import type { WebhookUser } from '../shared/telesign/webhookAuth';
import { createDigestNonce, deriveDigestNonceSecret } from '../shared/telesign/digestNonce';
import { verifyWithCredential } from '../shared/credentialCache';
import { getRawBody } from '../shared/relay';
import type { AuthenticationMethod, RespondMode } from './description';

export const WEBHOOK_PATH = 'telesign-voice';

/** Headers never copied into the item: they carry credentials or signatures. */
const SECRET_HEADERS = new Set([
	'authorization',
	'x-ts-authorization',
	'proxy-authorization',
	'cookie',
]);

export interface Reply {
	status: number;
	body: IDataObject;
	headers?: Record<string, string | string[]>;
}

const UNAUTHORIZED: IDataObject = { message: 'Unauthorized' };

type RequestLike = ReturnType<IWebhookFunctions['getRequestObject']>;

/** Writes a reply ourselves, so its body is exactly what we chose whatever the Respond mode. */
export function sendReply(this: IWebhookFunctions, reply: Reply): IWebhookResponseData {
	const res = this.getResponseObject();
	for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
	res.status(reply.status).json(reply.body);
	return { noWebhookResponse: true };
}

export function checkMethod(method: string | undefined): Reply | undefined {
	if ((method ?? '').toUpperCase() === 'POST') return undefined;
	return {
		status: 405,
		body: { message: 'Method not allowed: Telesign posts events' },
		headers: { Allow: 'POST' },
	};
}

export function requestHeaders(req: RequestLike): HeaderBag {
	return (req.headers ?? {}) as HeaderBag;
}

function readWebhookUser(
	node: INode,
	credentials: ICredentialDataDecryptedObject | undefined,
): WebhookUser {
	const problems = webhookCredentialProblems(credentials?.user, credentials?.password);
	if (problems.length > 0) {
		throw new NodeOperationError(
			node,
			`The Telesign Voice Webhook Auth credential is not usable: ${problems.join('; ')}`,
		);
	}
	return { user: credentials?.user as string, password: credentials?.password as string };
}

/** Per-webhook scope of the Digest nonce secret: the same in every n8n process, different per trigger node. */
function digestScope(this: IWebhookFunctions | IHookFunctions): string {
	const node = this.getNode();
	return `${node.webhookId ?? node.id ?? node.name}/${WEBHOOK_PATH}`;
}

function logRejection(this: IWebhookFunctions, method: AuthenticationMethod, reason: string): void {
	const meta = { node: this.getNode().name, authentication: method, reason };
	// A Digest client's first request carries no Authorization header by design: not worth a warning.
	if (reason === 'missing' && method === 'digestAuth')
		this.logger.debug('Telesign Voice Trigger: Digest challenge sent', meta);
	else this.logger.warn('Telesign Voice Trigger: request rejected (authentication failed)', meta);
}

function authFailure(
	this: IWebhookFunctions,
	method: AuthenticationMethod,
	reason: string,
	challenge: string | string[],
): Reply {
	logRejection.call(this, method, reason);
	return { status: 401, body: UNAUTHORIZED, headers: { 'WWW-Authenticate': challenge } };
}

async function verifyTelesignSignature(
	this: IWebhookFunctions,
	req: RequestLike,
): Promise<Reply | undefined> {
	const rawBody = getRawBody(req);
	if (rawBody === undefined) {
		// Re-serialising the parsed body would not reproduce the signed bytes: refuse instead of guessing.
		this.logger.warn(
			'Telesign Voice Trigger: the raw request body is not available, so the signature cannot be verified',
			{
				node: this.getNode().name,
			},
		);
		return { status: 500, body: { message: 'Cannot verify this request' } };
	}
	const verification = await verifyWithCredential(this, TELESIGN_CREDENTIAL, (data) => {
		const credentials = readCredentials(data);
		return verifyCallbackSignature({
			apiKey: credentials.apiKey,
			customerId: credentials.customerId,
			rawBody,
			headers: requestHeaders(req),
		});
	});
	if (verification.valid) return undefined;
	return authFailure.call(
		this,
		'telesignSignature',
		verification.reason,
		`TSA realm="${WEBHOOK_AUTH_REALM}"`,
	);
}

async function verifyBasic(this: IWebhookFunctions, req: RequestLike): Promise<Reply | undefined> {
	const result = await verifyWithCredential(this, WEBHOOK_AUTH_CREDENTIAL, (data) =>
		verifyBasicAuth(
			headerValue(requestHeaders(req), 'authorization'),
			readWebhookUser(this.getNode(), data),
		),
	);
	if (result.valid) return undefined;
	return authFailure.call(this, 'basicAuth', result.reason, buildBasicChallenge());
}

async function verifyDigest(
	this: IWebhookFunctions,
	req: RequestLike,
	nowMs: number,
): Promise<Reply | undefined> {
	const result = await verifyWithCredential(this, WEBHOOK_AUTH_CREDENTIAL, (data) => {
		const expected = readWebhookUser(this.getNode(), data);
		const secret = deriveDigestNonceSecret({ ...expected, scope: digestScope.call(this) });
		const authorization = headerValue(requestHeaders(req), 'authorization');
		const requestTarget = req.originalUrl ?? req.url ?? '';
		return {
			...verifyDigestAuth({
				authorization,
				method: req.method ?? 'POST',
				requestTarget,
				expected,
				secret,
				nowMs,
			}),
			secret,
		};
	});
	if (result.valid) return undefined;
	const challenges = buildDigestChallenges({
		nonce: createDigestNonce(result.secret, nowMs),
		stale: result.reason === 'stale_nonce',
	});
	return authFailure.call(this, 'digestAuth', result.reason, challenges);
}

/** Runs the configured authentication; undefined means the request may go on. */
export async function authenticateRequest(
	this: IWebhookFunctions,
	method: AuthenticationMethod,
	req: RequestLike,
	nowMs = Date.now(),
): Promise<Reply | undefined> {
	switch (method) {
		case 'telesignSignature':
			return await verifyTelesignSignature.call(this, req);
		case 'basicAuth':
			return await verifyBasic.call(this, req);
		case 'digestAuth':
			return await verifyDigest.call(this, req, nowMs);
		case 'none':
			return undefined;
		default:
			throw new NodeOperationError(this.getNode(), `Unknown authentication "${String(method)}"`);
	}
}

export function parseEvent(
	rawBody: Buffer | undefined,
): { event: TelesignEvent } | { reply: Reply } {
	const parsed = parseEventBody(rawBody);
	if (!parsed.ok) return { reply: { status: 400, body: { message: parsed.message } } };
	return { event: parsed.event };
}

/** An event the user did not select: acknowledged with 200 and `{}`, and nothing starts. */
export function filterEvent(event: TelesignEvent, selected: unknown): Reply | undefined {
	const list = Array.isArray(selected) ? selected.map(String) : [];
	if (isEventSelected(event.event, list)) return undefined;
	return { status: 200, body: {} };
}

/** The item: the event exactly as Telesign sent it, plus the headers (without secrets) when asked for. */
export function buildItemJson(
	event: TelesignEvent,
	req: RequestLike,
	includeHeaders: boolean,
): IDataObject {
	if (!includeHeaders) return event as IDataObject;
	const headers: IDataObject = {};
	for (const [name, value] of Object.entries(requestHeaders(req))) {
		if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
		headers[name.toLowerCase()] = value;
	}
	return { ...event, headers } as IDataObject;
}

export function respondModeOf(value: unknown): RespondMode {
	return value === 'immediately' || value === 'responseNode' ? value : 'lastNode';
}

/**
 * What webhookMethods can check without a remote API: the credential the chosen authentication needs is
 * there and usable, and an event is selected. Throws a NodeOperationError that says what to fix.
 */
export async function assertTriggerConfiguration(this: IHookFunctions): Promise<void> {
	const node = this.getNode();
	const events = this.getNodeParameter('events', []) as unknown;
	if (!Array.isArray(events) || events.length === 0) {
		throw new NodeOperationError(node, 'Select at least one event (or Any Event) in Events');
	}
	const authentication = this.getNodeParameter(
		'authentication',
		'telesignSignature',
	) as AuthenticationMethod;
	try {
		if (authentication === 'telesignSignature') {
			const credentials = readCredentials(
				await this.getCredentials<ICredentialDataDecryptedObject>(TELESIGN_CREDENTIAL),
			);
			decodeApiKey(credentials.apiKey);
		} else if (authentication === 'basicAuth' || authentication === 'digestAuth') {
			readWebhookUser(
				this.getNode(),
				await this.getCredentials<ICredentialDataDecryptedObject>(WEBHOOK_AUTH_CREDENTIAL),
			);
		}
	} catch (error) {
		// A NodeOperationError passes through unchanged (its constructor returns it).
		throw new NodeOperationError(node, error as Error, {
			description: 'Fix the credential selected in this node, then activate the workflow again.',
		});
	}
	const url = this.getNodeWebhookUrl('default');
	if (url !== undefined && !url.startsWith('https://')) {
		this.logger.warn(
			'Telesign Voice Trigger: the webhook URL is not HTTPS; Telesign only posts events to HTTPS URLs with a valid certificate',
			{ node: node.name, url },
		);
	}
}
