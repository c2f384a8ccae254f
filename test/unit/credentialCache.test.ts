/**
 * The trigger's credential cache, through webhook() as n8n calls it: a hit reads nothing, values expire,
 * a rotated key or password is accepted at once (one re-read), a forged request pays exactly one read and is
 * rejected, and the Digest challenge flow is unchanged.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { computeCallbackSignature } from '../../nodes/shared/telesign/signing';
import {
	createDigestNonce,
	deriveDigestNonceSecret,
} from '../../nodes/shared/telesign/digestNonce';
import { computeDigestResponse } from '../../nodes/shared/telesign/webhookAuth';
import {
	CREDENTIAL_CACHE_TTL_MS,
	clearCredentialCache,
	credentialValues,
	verifyWithCredential,
} from '../../nodes/shared/credentialCache';
import { call, CUSTOMER, URL_PATH, WEBHOOK_ID } from './trigger/triggerHarness';

const KEY_OLD = Buffer.from('old-key-0123456789abcdef0123456789abcdef').toString('base64');
const KEY_NEW = Buffer.from('new-key-0123456789abcdef0123456789abcdef').toString('base64');
const BODY = JSON.stringify({
	event: 'dial_completed',
	reference_id: 'AB12',
	data: { status: 'answered' },
});
const T0 = 1_800_000_000_000;

/** What n8n has stored right now; tests change it to simulate a user saving a new key or password. */
let stored: Record<string, IDataObject>;
let now: number;

beforeEach(() => {
	clearCredentialCache();
	now = T0;
	jest.spyOn(Date, 'now').mockImplementation(() => now);
	stored = {
		telesignVoiceApi: { customerId: CUSTOMER, apiKey: KEY_OLD, authMethod: 'basic' },
		telesignVoiceWebhookAuthApi: { user: 'telesign', password: 'correct horse battery' },
	};
});

afterEach(() => jest.restoreAllMocks());

/** One event through the trigger's webhook, with the credentials `stored` holds now (read through a jest.fn). */
async function post(
	authentication: string,
	headers: Record<string, string>,
	credentialId = 'cred-1',
) {
	const getCredentials = jest.fn(async (type: string) => ({ ...stored[type] }));
	const node = {
		typeVersion: 1.1,
		credentials: {
			telesignVoiceApi: { id: credentialId, name: 'Telesign' },
			telesignVoiceWebhookAuthApi: { id: `${credentialId}-hook`, name: 'Webhook' },
		},
	};
	const c = await call({
		params: { authentication },
		headers,
		rawBody: BODY,
		getCredentials,
		node,
	});
	const sent = { status: c.res.statusCode, body: c.res.body, headers: c.res.headers };
	return { ...c, sent, getCredentials, accepted: c.result.workflowData !== undefined };
}

const signedWith = (apiKey: string) => ({
	authorization: `TSA ${CUSTOMER}:${computeCallbackSignature(apiKey, BODY)}`,
});

describe('credential cache: Telesign signature', () => {
	it('a hit reads nothing: the second event in the same process verifies with the cached key', async () => {
		const first = await post('telesignSignature', signedWith(KEY_OLD));
		expect(first.accepted).toBe(true);
		expect(first.getCredentials).toHaveBeenCalledTimes(1);
		now += CREDENTIAL_CACHE_TTL_MS - 1;
		const second = await post('telesignSignature', signedWith(KEY_OLD));
		expect(second.accepted).toBe(true);
		expect(second.getCredentials).not.toHaveBeenCalled();
	});

	it('values expire: an event after the time limit reads the credential again', async () => {
		await post('telesignSignature', signedWith(KEY_OLD));
		now += CREDENTIAL_CACHE_TTL_MS;
		const later = await post('telesignSignature', signedWith(KEY_OLD));
		expect(later.accepted).toBe(true);
		expect(later.getCredentials).toHaveBeenCalledTimes(1);
		// …and the read restarts the time limit.
		now += 1000;
		expect(
			(await post('telesignSignature', signedWith(KEY_OLD))).getCredentials,
		).not.toHaveBeenCalled();
	});

	it('rotation: an event signed with a newly saved key is accepted at once (stale cache → one re-read)', async () => {
		await post('telesignSignature', signedWith(KEY_OLD));
		stored.telesignVoiceApi = { ...stored.telesignVoiceApi, apiKey: KEY_NEW };
		const rotated = await post('telesignSignature', signedWith(KEY_NEW));
		expect(rotated.accepted).toBe(true);
		expect(rotated.getCredentials).toHaveBeenCalledTimes(1);
		// The new key is now the cached one; the old key is refused after one read.
		expect(
			(await post('telesignSignature', signedWith(KEY_NEW))).getCredentials,
		).not.toHaveBeenCalled();
		const old = await post('telesignSignature', signedWith(KEY_OLD));
		expect(old.accepted).toBe(false);
		expect(old.sent.status).toBe(401);
	});

	it('a forged request pays exactly one read and is rejected with 401', async () => {
		await post('telesignSignature', signedWith(KEY_OLD));
		const forged = await post('telesignSignature', signedWith(KEY_NEW));
		expect(forged.accepted).toBe(false);
		expect(forged.sent.status).toBe(401);
		expect(forged.sent.body).toEqual({ message: 'Unauthorized' });
		expect(forged.getCredentials).toHaveBeenCalledTimes(1);
	});

	it('a request without any signature reads nothing (no stored key could accept it)', async () => {
		await post('telesignSignature', signedWith(KEY_OLD));
		const unsigned = await post('telesignSignature', {});
		expect(unsigned.sent.status).toBe(401);
		expect(unsigned.getCredentials).not.toHaveBeenCalled();
	});

	it('keeps one entry per credential ID: another credential is read on its own', async () => {
		await post('telesignSignature', signedWith(KEY_OLD), 'cred-1');
		stored.telesignVoiceApi = { ...stored.telesignVoiceApi, apiKey: KEY_NEW };
		const other = await post('telesignSignature', signedWith(KEY_NEW), 'cred-2');
		expect(other.accepted).toBe(true);
		expect(other.getCredentials).toHaveBeenCalledTimes(1);
	});

	it('does not cache an unusable credential: once fixed, the next event uses the fixed one', async () => {
		stored.telesignVoiceApi = { ...stored.telesignVoiceApi, apiKey: '' };
		const broken = await post('telesignSignature', signedWith(KEY_OLD));
		expect(broken.sent.status).toBe(500);
		stored.telesignVoiceApi = { ...stored.telesignVoiceApi, apiKey: KEY_OLD };
		const fixed = await post('telesignSignature', signedWith(KEY_OLD));
		expect(fixed.accepted).toBe(true);
		expect(fixed.getCredentials).toHaveBeenCalledTimes(1);
	});
});

describe('credential cache: Basic auth', () => {
	const basic = (password: string) => ({
		authorization: `Basic ${Buffer.from(`telesign:${password}`).toString('base64')}`,
	});

	it('hit, then a rotated password accepted after one re-read, then a forged one rejected after one read', async () => {
		expect((await post('basicAuth', basic('correct horse battery'))).accepted).toBe(true);
		const hit = await post('basicAuth', basic('correct horse battery'));
		expect(hit.accepted && hit.getCredentials.mock.calls.length).toBe(0);
		stored.telesignVoiceWebhookAuthApi = { user: 'telesign', password: 'a brand new password' };
		const rotated = await post('basicAuth', basic('a brand new password'));
		expect(rotated.accepted).toBe(true);
		expect(rotated.getCredentials).toHaveBeenCalledTimes(1);
		const forged = await post('basicAuth', basic('guessing wrongly here'));
		expect(forged.sent.status).toBe(401);
		expect(forged.getCredentials).toHaveBeenCalledTimes(1);
	});
});

describe('credential cache: Digest challenge flow', () => {
	function answer(challenge: unknown, password: string) {
		const nonce = /nonce="([^"]+)"/.exec(String((challenge as string[])[0]))?.[1] ?? '';
		const response = computeDigestResponse({
			algorithm: 'SHA-256',
			username: 'telesign',
			realm: 'Telesign Voice',
			password,
			method: 'POST',
			uri: URL_PATH,
			nonce,
			nc: '00000001',
			cnonce: '0a4f113b',
			qop: 'auth',
		});
		return {
			authorization:
				`Digest username="telesign", realm="Telesign Voice", nonce="${nonce}", uri="${URL_PATH}", algorithm=SHA-256, ` +
				`qop=auth, nc=00000001, cnonce="0a4f113b", response="${response}"`,
		};
	}

	it('challenge → answer works as before, and the answer reads nothing once the values are cached', async () => {
		const challenge = await post('digestAuth', {});
		expect(challenge.sent.status).toBe(401);
		expect(challenge.getCredentials).toHaveBeenCalledTimes(1);
		const answered = await post(
			'digestAuth',
			answer(challenge.sent.headers['www-authenticate'], 'correct horse battery'),
		);
		expect(answered.accepted).toBe(true);
		expect(answered.getCredentials).not.toHaveBeenCalled();
	});

	it('a challenge issued by another process (empty cache here) is accepted: the nonce secret is the same', async () => {
		const challenge = await post('digestAuth', {});
		clearCredentialCache();
		const answered = await post(
			'digestAuth',
			answer(challenge.sent.headers['www-authenticate'], 'correct horse battery'),
		);
		expect(answered.accepted).toBe(true);
	});

	it('after a password change, a nonce another process issued from the new password is accepted here (one re-read)', async () => {
		await post('digestAuth', {}); // this process caches the old password
		stored.telesignVoiceWebhookAuthApi = { user: 'telesign', password: 'a brand new password' };
		const secret = deriveDigestNonceSecret({
			user: 'telesign',
			password: 'a brand new password',
			scope: `${WEBHOOK_ID}/telesign-voice`,
		});
		const otherProcessChallenge = [
			`Digest realm="Telesign Voice", qop="auth", algorithm=SHA-256, nonce="${createDigestNonce(secret, now)}"`,
		];
		const answered = await post(
			'digestAuth',
			answer(otherProcessChallenge, 'a brand new password'),
		);
		expect(answered.accepted).toBe(true);
		expect(answered.getCredentials).toHaveBeenCalledTimes(1);
	});

	it('a wrong password answering a real challenge is rejected with a fresh challenge after one read', async () => {
		const challenge = await post('digestAuth', {});
		const forged = await post(
			'digestAuth',
			answer(challenge.sent.headers['www-authenticate'], 'not the password!!'),
		);
		expect(forged.sent.status).toBe(401);
		expect(forged.getCredentials).toHaveBeenCalledTimes(1);
		expect(String((forged.sent.headers['www-authenticate'] as string[])[0])).toMatch(
			/^Digest realm="Telesign Voice"/,
		);
	});
});

describe('verifyWithCredential', () => {
	const source = (id: string | undefined) => {
		const getCredentials = jest.fn(async () => ({ secret: 'v2' }));
		const node = {
			credentials: id === undefined ? {} : { t: { id, name: 'n' } },
		} as unknown as INode;
		return { getNode: () => node, getCredentials: getCredentials as never, calls: getCredentials };
	};

	it('never caches a credential without an ID (reads every time)', async () => {
		const s = source(undefined);
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0);
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0);
		expect(s.calls).toHaveBeenCalledTimes(2);
	});

	it('re-reads only for reasons a different stored value could change', async () => {
		const s = source('x');
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0);
		for (const reason of [
			'missing',
			'missing_signature',
			'malformed',
			'wrong_uri',
			'stale_nonce',
		]) {
			await verifyWithCredential(s, 't', () => ({ valid: false, reason }), T0);
		}
		expect(s.calls).toHaveBeenCalledTimes(1);
		for (const reason of ['bad_signature', 'customer_mismatch', 'wrong_credentials', 'bad_nonce']) {
			await verifyWithCredential(s, 't', () => ({ valid: false, reason }), T0);
		}
		expect(s.calls).toHaveBeenCalledTimes(5);
	});

	it('verifies the re-read values, not the cached ones', async () => {
		const s = source('x');
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0);
		const seen: unknown[] = [];
		const result = await verifyWithCredential(
			s,
			't',
			(data) => (
				seen.push(data.secret),
				data.secret === 'v2' && seen.length === 2
					? { valid: true }
					: { valid: false, reason: 'bad_signature' }
			),
			T0,
		);
		expect(result.valid).toBe(true);
		expect(seen).toEqual(['v2', 'v2']);
	});
});

describe('credentialValues', () => {
	/** A credential whose stored secret is v1 on the first read, v2 on later ones. */
	const source = (id: string) => {
		let reads = 0;
		const getCredentials = jest.fn(async () => ({ secret: ++reads === 1 ? 'v1' : 'v2' }));
		const node = { credentials: { t: { id, name: 'n' } } } as unknown as INode;
		return { getNode: () => node, getCredentials: getCredentials as never, calls: getCredentials };
	};

	it('gives the values a verification of the same request just read, without reading again', async () => {
		const s = source('x');
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0);
		expect(s.calls).toHaveBeenCalledTimes(1);
		expect((await credentialValues(s, 't', T0 + 1)).secret).toBe('v1');
		expect(s.calls).toHaveBeenCalledTimes(1);
	});

	it('reads (and keeps) the values when none are fresh', async () => {
		const s = source('x');
		expect((await credentialValues(s, 't', T0)).secret).toBe('v1');
		expect((await credentialValues(s, 't', T0 + CREDENTIAL_CACHE_TTL_MS + 1)).secret).toBe('v2');
		expect(s.calls).toHaveBeenCalledTimes(2);
		await verifyWithCredential(s, 't', () => ({ valid: true }), T0 + CREDENTIAL_CACHE_TTL_MS + 2);
		expect(s.calls).toHaveBeenCalledTimes(2);
	});
});
