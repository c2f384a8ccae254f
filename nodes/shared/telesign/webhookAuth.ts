/**
 * HTTP Basic and Digest (RFC 7616) authentication of requests that reach the trigger's webhook URL.
 *
 * Digest is stateless so that it works when several n8n processes serve webhooks: the nonce carries its own
 * creation time and an HMAC over it, keyed with a secret every process derives the same way from the webhook
 * credential and the webhook's identity. Nothing is stored between requests, so a nonce may be reused
 * until it expires (DIGEST_NONCE_LIFETIME_MS); an expired nonce is refused with `stale=true`. The nonces are
 * made and checked in digestNonce.ts.
 *
 * Pure functions only (no n8n imports); unit-tested against RFC 7616 §3.9.1.
 */
import { createHash } from 'crypto';

import { checkDigestNonce } from './digestNonce';
import { safeEqualSecret } from './signing';

export const WEBHOOK_AUTH_REALM = 'Telesign Voice';

export const MIN_WEBHOOK_PASSWORD_LENGTH = 12;

export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** Offered in this order: SHA-256 first, MD5 for clients that only know RFC 2617. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/** Returns the token after `<scheme> ` when the Authorization header uses that scheme. */
function authorizationParams(
	authorization: string | undefined,
	scheme: string,
): string | undefined {
	if (authorization === undefined) return undefined;
	const match = /^(\S+)\s+([\s\S]*)$/.exec(authorization.trim());
	if (!match || match[1].toLowerCase() !== scheme.toLowerCase()) return undefined;
	return match[2].trim();
}

// ---------------------------------------------------------------------------------------------- Basic

export interface WebhookUser {
	user: string;
	password: string;
}

export function buildBasicChallenge(realm = WEBHOOK_AUTH_REALM): string {
	return `Basic realm="${realm}"`;
}

export function parseBasicAuthorization(
	authorization: string | undefined,
): WebhookUser | undefined {
	const token = authorizationParams(authorization, 'Basic');
	if (token === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
	const decoded = Buffer.from(token, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type WebhookAuthResult =
	| { valid: true }
	| {
			valid: false;
			reason:
				| 'missing'
				| 'malformed'
				| 'wrong_credentials'
				| 'stale_nonce'
				| 'bad_nonce'
				| 'wrong_uri';
	  };

export function verifyBasicAuth(
	authorization: string | undefined,
	expected: WebhookUser,
): WebhookAuthResult {
	if (authorization === undefined) return { valid: false, reason: 'missing' };
	const given = parseBasicAuthorization(authorization);
	if (!given) return { valid: false, reason: 'malformed' };
	// Both comparisons always run, so timing does not tell which half was wrong.
	const userOk = safeEqualSecret(expected.user, given.user);
	const passwordOk = safeEqualSecret(expected.password, given.password);
	return userOk && passwordOk ? { valid: true } : { valid: false, reason: 'wrong_credentials' };
}

// --------------------------------------------------------------------------------------------- Digest

function digestHash(algorithm: DigestAlgorithm, text: string): string {
	return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
		.update(text, 'utf8')
		.digest('hex');
}

/** One WWW-Authenticate challenge per algorithm, SHA-256 first (RFC 7616 §3.7). */
export function buildDigestChallenges(params: {
	nonce: string;
	stale?: boolean;
	realm?: string;
}): string[] {
	const realm = params.realm ?? WEBHOOK_AUTH_REALM;
	return DIGEST_ALGORITHMS.map(
		(algorithm) =>
			`Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${params.nonce}"` +
			(params.stale ? ', stale=true' : ''),
	);
}

/**
 * Parses the parameters of `Authorization: Digest …` (comma-separated `name=value` or `name="quoted"`,
 * with backslash escapes inside quotes). Names are lower-cased. Undefined when the header is not Digest
 * or cannot be parsed.
 */
export function parseDigestAuthorization(
	authorization: string | undefined,
): Record<string, string> | undefined {
	const text = authorizationParams(authorization, 'Digest');
	if (text === undefined || text === '') return undefined;
	const params: Record<string, string> = {};
	let i = 0;
	while (i < text.length) {
		while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
		if (i >= text.length) break;
		const nameMatch = /^([A-Za-z0-9_*-]+)\s*=\s*/.exec(text.slice(i));
		if (!nameMatch) return undefined;
		const name = nameMatch[1].toLowerCase();
		i += nameMatch[0].length;
		let value = '';
		if (text[i] === '"') {
			i++;
			let closed = false;
			while (i < text.length) {
				const ch = text[i];
				if (ch === '\\' && i + 1 < text.length) {
					value += text[i + 1];
					i += 2;
				} else if (ch === '"') {
					i++;
					closed = true;
					break;
				} else {
					value += ch;
					i++;
				}
			}
			if (!closed) return undefined;
		} else {
			const tokenMatch = /^[^\s,]*/.exec(text.slice(i));
			value = tokenMatch ? tokenMatch[0] : '';
			i += value.length;
		}
		if (Object.prototype.hasOwnProperty.call(params, name)) return undefined;
		params[name] = value;
		while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
		if (i < text.length && text[i] !== ',') return undefined;
	}
	return params;
}

/** Decodes RFC 8187 `UTF-8''percent-encoded` (the `username*` form of RFC 7616 §3.4.4). */
function decodeExtValue(value: string): string | undefined {
	const match = /^UTF-8'[^']*'(.*)$/i.exec(value);
	if (!match) return undefined;
	try {
		return decodeURIComponent(match[1]);
	} catch {
		return undefined;
	}
}

export function parseDigestAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
	if (value === undefined) return 'MD5'; // RFC 7616 §3.4: absent means MD5
	const upper = value.toUpperCase();
	if (upper === 'SHA-256') return 'SHA-256';
	if (upper === 'MD5') return 'MD5';
	return undefined; // the -sess variants and anything else are not offered
}

export interface DigestResponseInput {
	algorithm: DigestAlgorithm;
	username: string;
	realm: string;
	password: string;
	method: string;
	uri: string;
	nonce: string;
	nc: string;
	cnonce: string;
	qop: 'auth';
}

/** response = H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri)) (RFC 7616 §3.4.1, qop=auth). */
export function computeDigestResponse(input: DigestResponseInput): string {
	const ha1 = digestHash(input.algorithm, `${input.username}:${input.realm}:${input.password}`);
	const ha2 = digestHash(input.algorithm, `${input.method.toUpperCase()}:${input.uri}`);
	return digestHash(
		input.algorithm,
		[ha1, input.nonce, input.nc, input.cnonce, input.qop, ha2].join(':'),
	);
}

function splitTarget(target: string): { path: string; query: string } | undefined {
	let url: URL;
	try {
		url = new URL(target, 'http://request.invalid');
	} catch {
		return undefined;
	}
	return { path: url.pathname, query: url.search };
}

/**
 * Whether the Digest `uri` names the request that carries it (RFC 7616 §3.4.6). Accepts the absolute form,
 * and a uri whose path ends with the request's path: a reverse proxy may strip a path prefix before n8n
 * sees the request, and the request path (…/webhook/<id>/telesign-voice) still identifies this webhook.
 */
export function digestUriMatches(digestUri: string, requestTarget: string): boolean {
	if (!/^(\/|https?:\/\/)/i.test(requestTarget) || !/^(\/|https?:\/\/)/i.test(digestUri))
		return false;
	const a = splitTarget(digestUri);
	const b = splitTarget(requestTarget);
	if (!a || !b) return false;
	if (a.query !== b.query) return false;
	return a.path === b.path || a.path.endsWith(b.path);
}

export interface DigestVerificationInput {
	authorization: string | undefined;
	method: string;
	/** The request-target as received (path and query), e.g. req.originalUrl. */
	requestTarget: string;
	expected: WebhookUser;
	secret: Buffer;
	nowMs: number;
	realm?: string;
	lifetimeMs?: number;
}

/**
 * Verifies `Authorization: Digest …`. Only a correct response for an expired nonce of ours yields
 * `stale_nonce`, so the client retries with a fresh one without asking for the password again (§3.3).
 */
export function verifyDigestAuth(input: DigestVerificationInput): WebhookAuthResult {
	if (input.authorization === undefined) return { valid: false, reason: 'missing' };
	const p = parseDigestAuthorization(input.authorization);
	if (!p) return { valid: false, reason: 'malformed' };
	const realm = input.realm ?? WEBHOOK_AUTH_REALM;
	const algorithm = parseDigestAlgorithm(p.algorithm);
	const username = p['username*'] !== undefined ? decodeExtValue(p['username*']) : p.username;
	if (
		algorithm === undefined ||
		username === undefined ||
		p.realm === undefined ||
		p.nonce === undefined ||
		p.uri === undefined ||
		p.response === undefined ||
		p.qop === undefined ||
		p.qop.toLowerCase() !== 'auth' ||
		p.nc === undefined ||
		!/^[0-9a-fA-F]{8}$/.test(p.nc) ||
		p.cnonce === undefined ||
		p.cnonce === '' ||
		(p.userhash !== undefined && p.userhash.toLowerCase() !== 'false')
	) {
		return { valid: false, reason: 'malformed' };
	}
	if (p.realm !== realm) return { valid: false, reason: 'wrong_credentials' };
	const nonceState = checkDigestNonce(input.secret, p.nonce, input.nowMs, input.lifetimeMs);
	if (nonceState === 'invalid') return { valid: false, reason: 'bad_nonce' };
	if (!digestUriMatches(p.uri, input.requestTarget)) return { valid: false, reason: 'wrong_uri' };
	const expectedResponse = computeDigestResponse({
		algorithm,
		username: input.expected.user,
		realm,
		password: input.expected.password,
		method: input.method,
		uri: p.uri,
		nonce: p.nonce,
		nc: p.nc,
		cnonce: p.cnonce,
		qop: 'auth',
	});
	const userOk = safeEqualSecret(input.expected.user, username);
	const responseOk = safeEqualSecret(expectedResponse, p.response.toLowerCase());
	if (!userOk || !responseOk) return { valid: false, reason: 'wrong_credentials' };
	if (nonceState === 'stale') return { valid: false, reason: 'stale_nonce' };
	return { valid: true };
}

/** Local checks of a webhook credential; an empty list means it is usable. */
export function webhookCredentialProblems(user: unknown, password: unknown): string[] {
	const problems: string[] = [];
	if (typeof user !== 'string' || user.trim() === '') problems.push('User is empty');
	else if (user !== user.trim()) problems.push('User starts or ends with a space');
	else if (user.includes(':'))
		problems.push('User must not contain ":" (Basic auth separates user and password with it)');
	if (typeof password !== 'string' || password === '') problems.push('Password is empty');
	else {
		if (password.length < MIN_WEBHOOK_PASSWORD_LENGTH) {
			problems.push(
				`Password has ${password.length} characters: use at least ${MIN_WEBHOOK_PASSWORD_LENGTH}`,
			);
		}
		if (password !== password.trim()) problems.push('Password starts or ends with a space');
	}
	return problems;
}
