/** webhook(): each authentication (Telesign signature, Basic, Digest, none) accepts the genuine request and rejects the rest. */
import { computeCallbackSignature } from '../../../nodes/shared/telesign/signing';
import {
	DIGEST_NONCE_LIFETIME_MS,
	createDigestNonce,
	deriveDigestNonceSecret,
} from '../../../nodes/shared/telesign/digestNonce';
import { computeDigestResponse } from '../../../nodes/shared/telesign/webhookAuth';

import {
	VECTOR_BODY,
	VECTOR_SIG,
	CUSTOMER,
	TELESIGN_CREDS,
	HOOK_USER,
	WEBHOOK_ID,
	URL_PATH,
	DIAL_COMPLETED,
	call,
	expectRejected,
	expectUnauthorized,
	signed,
} from './triggerHarness';

describe('webhook(): Telesign signature', () => {
	it('accepts the callback vector (then rejects its body as not JSON): the signature is over the raw bytes', async () => {
		const variants: Array<Record<string, string>> = [
			{ authorization: `TSA ${CUSTOMER}:${VECTOR_SIG}` },
			{ 'x-ts-authorization': VECTOR_SIG },
		];
		for (const headers of variants) {
			const r = await call({
				params: { authentication: 'telesignSignature' },
				rawBody: VECTOR_BODY,
				headers,
			});
			expectRejected(r, 400);
			expect(r.res.body).toEqual({ message: expect.stringMatching(/not JSON/) });
		}
	});

	it('rejects the callback vector with one byte of the body changed', async () => {
		const r = await call({
			params: { authentication: 'telesignSignature' },
			rawBody: "{'test': 124}",
			headers: { 'x-ts-authorization': VECTOR_SIG },
		});
		expectUnauthorized(r);
	});

	it.each(['authorization', 'x-ts', 'both'] as const)(
		'accepts a signed event (%s header) and emits it unchanged',
		async (how) => {
			const body = JSON.stringify(DIAL_COMPLETED);
			const r = await call(signed(body, how));
			expect(r.result.noWebhookResponse).toBeUndefined();
			expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
			expect(r.res.sent).toBe(false);
		},
	);

	it('verifies the exact bytes: whitespace that JSON.parse ignores still counts', async () => {
		const body = JSON.stringify(DIAL_COMPLETED, null, 2);
		const ok = await call(signed(body));
		expect(ok.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
		const s = signed(body);
		const tampered = await call({ ...s, rawBody: body.replace('\n', '\n ') });
		expectUnauthorized(tampered);
	});

	it('rejects every single-byte change of the body', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const s = signed(body);
		for (const i of [0, 10, Math.floor(body.length / 2), body.length - 1]) {
			const bytes = Buffer.from(body);
			bytes[i] = bytes[i] ^ 0x01;
			expectUnauthorized(await call({ ...s, rawBody: bytes }));
		}
	});

	it('rejects a missing, malformed or wrong signature with a body that reveals nothing', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const cases: Array<Record<string, string>> = [
			{},
			{ authorization: 'Basic dGVsZXNpZ246eA==' },
			{ authorization: `TSA ${CUSTOMER}` },
			{ authorization: `TSA ${CUSTOMER}:not-the-signature` },
			{ 'x-ts-authorization': VECTOR_SIG },
			{ authorization: `TSA ${CUSTOMER}:${computeCallbackSignature('VGVzdCBLZXk=', body)}` },
		];
		for (const headers of cases) {
			const r = await call({
				params: { authentication: 'telesignSignature' },
				rawBody: body,
				headers,
			});
			expectUnauthorized(r);
			expect(JSON.stringify(r.res.body)).not.toMatch(/signature|customer|key/i);
			expect(r.res.headers['www-authenticate']).toBe('TSA realm="Telesign Voice"');
		}
	});

	it('rejects a correct signature that names another customer ID', async () => {
		const r = await call(
			signed(
				JSON.stringify(DIAL_COMPLETED),
				'authorization',
				'00000000-1111-2222-3333-444444444444',
			),
		);
		expectUnauthorized(r);
		expect(r.logger.warn).toHaveBeenCalledWith(
			expect.any(String),
			expect.objectContaining({ reason: 'customer_mismatch' }),
		);
	});

	it('fails closed when the raw body is missing (never re-serialises the parsed body)', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const r = await call({ ...s, rawBody: null });
		expectRejected(r, 500);
		expect(r.res.body).toEqual({ message: 'Cannot verify this request' });
		expect(r.getBodyData).not.toHaveBeenCalled();
		expect(r.logger.warn).toHaveBeenCalled();
	});

	it('fails closed (500, nothing starts) when the credential is missing or unusable', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const missing = await call({ ...s, credentials: {} });
		expectRejected(missing, 500);
		expect(missing.logger.error).toHaveBeenCalled();
		const noKey = await call({
			...s,
			credentials: { telesignVoiceApi: { ...TELESIGN_CREDS, apiKey: '' } },
		});
		expectRejected(noKey, 500);
	});
});

describe('webhook(): Basic auth', () => {
	const basic = (user: string, password: string) => ({
		authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
	});
	const params = { authentication: 'basicAuth' };

	it('accepts the right user and password', async () => {
		const r = await call({ params, headers: basic(HOOK_USER.user, HOOK_USER.password) });
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
	});

	it.each([
		['missing', {}],
		['malformed', { authorization: 'Basic ???' }],
		['another scheme', { authorization: `TSA ${CUSTOMER}:${VECTOR_SIG}` }],
		['wrong password', basic(HOOK_USER.user, 'correct horse batterx')],
		['wrong user', basic('telesign2', HOOK_USER.password)],
	])('rejects %s credentials with 401 and a Basic challenge', async (_label, headers) => {
		const r = await call({ params, headers: headers as Record<string, string> });
		expectUnauthorized(r);
		expect(r.res.headers['www-authenticate']).toBe('Basic realm="Telesign Voice"');
	});

	it('is not fooled by a tampered body either: the body is still parsed from the raw bytes', async () => {
		const r = await call({
			params,
			headers: basic(HOOK_USER.user, HOOK_USER.password),
			rawBody: '{"event": ',
		});
		expectRejected(r, 400);
	});

	it('fails closed when the webhook credential is unusable', async () => {
		const r = await call({
			params,
			headers: basic('telesign', 'short'),
			credentials: { telesignVoiceWebhookAuthApi: { user: 'telesign', password: 'short' } },
		});
		expectRejected(r, 500);
		expect(r.res.body).toEqual({ message: 'Webhook authentication is not configured' });
	});
});

describe('webhook(): Digest auth (RFC 7616)', () => {
	const params = { authentication: 'digestAuth' };
	const secret = deriveDigestNonceSecret({ ...HOOK_USER, scope: `${WEBHOOK_ID}/telesign-voice` });

	function nonceFromChallenge(challenge: unknown): string {
		const first = Array.isArray(challenge) ? String(challenge[0]) : String(challenge);
		const match = /nonce="([^"]+)"/.exec(first);
		if (!match) throw new Error(`no nonce in ${first}`);
		return match[1];
	}

	function digestHeader(
		nonce: string,
		opts: { password?: string; uri?: string; algorithm?: 'SHA-256' | 'MD5'; user?: string } = {},
	) {
		const algorithm = opts.algorithm ?? 'SHA-256';
		const uri = opts.uri ?? URL_PATH;
		const user = opts.user ?? HOOK_USER.user;
		const response = computeDigestResponse({
			algorithm,
			username: user,
			realm: 'Telesign Voice',
			password: opts.password ?? HOOK_USER.password,
			method: 'POST',
			uri,
			nonce,
			nc: '00000001',
			cnonce: '0a4f113b',
			qop: 'auth',
		});
		return {
			authorization:
				`Digest username="${user}", realm="Telesign Voice", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, ` +
				`qop=auth, nc=00000001, cnonce="0a4f113b", response="${response}"`,
		};
	}

	it('challenges a request without credentials: 401 with SHA-256 and MD5 challenges, nothing starts', async () => {
		const r = await call({ params });
		expectUnauthorized(r);
		const challenges = r.res.headers['www-authenticate'] as string[];
		expect(challenges).toHaveLength(2);
		expect(challenges[0]).toMatch(
			/^Digest realm="Telesign Voice", qop="auth", algorithm=SHA-256, nonce="[A-Za-z0-9_-]+"$/,
		);
		expect(challenges[1]).toMatch(/algorithm=MD5/);
		expect(r.logger.warn).not.toHaveBeenCalled();
	});

	it.each(['SHA-256', 'MD5'] as const)(
		'accepts the answer to its own challenge (%s), as another n8n process would',
		async (algorithm) => {
			const first = await call({ params });
			const nonce = nonceFromChallenge(first.res.headers['www-authenticate']);
			const r = await call({ params, headers: digestHeader(nonce, { algorithm }) });
			expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
		},
	);

	it('rejects a wrong password, another user, another URL, or a nonce it did not issue', async () => {
		const nonce = createDigestNonce(secret, Date.now());
		for (const headers of [
			digestHeader(nonce, { password: 'correct horse batterx' }),
			digestHeader(nonce, { user: 'telesign2' }),
			digestHeader(nonce, { uri: `/webhook/${WEBHOOK_ID}/other` }),
			digestHeader(
				createDigestNonce(
					deriveDigestNonceSecret({ ...HOOK_USER, scope: 'other/telesign-voice' }),
					Date.now(),
				),
			),
			{ authorization: 'Digest username="telesign"' },
		]) {
			const r = await call({ params, headers });
			expectUnauthorized(r);
			expect(String((r.res.headers['www-authenticate'] as string[])[0])).not.toMatch(/stale/);
		}
	});

	it('rejects an expired nonce with stale=true, and a fresh nonce then works', async () => {
		const old = createDigestNonce(secret, Date.now() - DIGEST_NONCE_LIFETIME_MS - 5000);
		const r = await call({ params, headers: digestHeader(old) });
		expectUnauthorized(r);
		const challenges = r.res.headers['www-authenticate'] as string[];
		expect(challenges[0]).toMatch(/stale=true/);
		const retry = await call({ params, headers: digestHeader(nonceFromChallenge(challenges)) });
		expect(retry.result.workflowData).toHaveLength(1);
	});

	it('checks the uri against the URL the request arrived on (test URL included)', async () => {
		const testUrl = `/webhook-test/${WEBHOOK_ID}/telesign-voice`;
		const nonce = createDigestNonce(secret, Date.now());
		const ok = await call({ params, url: testUrl, headers: digestHeader(nonce, { uri: testUrl }) });
		expect(ok.result.workflowData).toHaveLength(1);
		const wrong = await call({ params, url: testUrl, headers: digestHeader(nonce) });
		expectUnauthorized(wrong);
	});
});

describe('webhook(): no authentication', () => {
	it('accepts any request', async () => {
		const r = await call({ params: { authentication: 'none' } });
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
	});
});
