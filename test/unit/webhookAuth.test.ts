import {
	DIGEST_NONCE_LIFETIME_MS,
	checkDigestNonce,
	createDigestNonce,
	deriveDigestNonceSecret,
} from '../../nodes/shared/telesign/digestNonce';
import {
	buildBasicChallenge,
	buildDigestChallenges,
	computeDigestResponse,
	digestUriMatches,
	parseBasicAuthorization,
	parseDigestAlgorithm,
	parseDigestAuthorization,
	verifyBasicAuth,
	verifyDigestAuth,
	webhookCredentialProblems,
} from '../../nodes/shared/telesign/webhookAuth';
import type { DigestAlgorithm } from '../../nodes/shared/telesign/webhookAuth';
import { safeEqualSecret } from '../../nodes/shared/telesign/signing';

// RFC 7616 §3.9.1 example.
const RFC = {
	username: 'Mufasa',
	pass: 'Circle of Life',
	realm: 'http-auth@example.org',
	nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
	uri: '/dir/index.html',
	cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
	nc: '00000001',
	method: 'GET',
};

describe('RFC 7616 §3.9.1 digest vectors', () => {
	it.each([
		['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
		['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
	] as Array<[DigestAlgorithm, string]>)('%s', (algorithm, expected) => {
		expect(
			computeDigestResponse({
				algorithm,
				username: RFC.username,
				realm: RFC.realm,
				password: RFC.pass,
				method: RFC.method,
				uri: RFC.uri,
				nonce: RFC.nonce,
				nc: RFC.nc,
				cnonce: RFC.cnonce,
				qop: 'auth',
			}),
		).toBe(expected);
	});

	it('parses the RFC Authorization header', () => {
		const header =
			'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
			'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
			'qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
			'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
		expect(parseDigestAuthorization(header)).toEqual({
			username: 'Mufasa',
			realm: 'http-auth@example.org',
			uri: '/dir/index.html',
			algorithm: 'SHA-256',
			nonce: RFC.nonce,
			nc: '00000001',
			cnonce: RFC.cnonce,
			qop: 'auth',
			response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
			opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
		});
	});

	it('handles escapes, commas inside quotes, and rejects broken headers', () => {
		expect(parseDigestAuthorization('Digest username="a\\"b,c", realm="r"')).toEqual({
			username: 'a"b,c',
			realm: 'r',
		});
		expect(parseDigestAuthorization('digest  nc=00000001 ,qop=auth')).toEqual({
			nc: '00000001',
			qop: 'auth',
		});
		expect(parseDigestAuthorization('Digest username="open')).toBeUndefined();
		expect(parseDigestAuthorization('Digest username="a" junk')).toBeUndefined();
		expect(parseDigestAuthorization('Digest username="a", username="b"')).toBeUndefined();
		expect(parseDigestAuthorization('Digest ')).toBeUndefined();
		expect(parseDigestAuthorization('Basic abc')).toBeUndefined();
		expect(parseDigestAuthorization(undefined)).toBeUndefined();
	});

	it('maps algorithm names (absent = MD5; -sess and others are not offered)', () => {
		expect(parseDigestAlgorithm(undefined)).toBe('MD5');
		expect(parseDigestAlgorithm('sha-256')).toBe('SHA-256');
		expect(parseDigestAlgorithm('MD5')).toBe('MD5');
		expect(parseDigestAlgorithm('SHA-256-sess')).toBeUndefined();
		expect(parseDigestAlgorithm('SHA-512-256')).toBeUndefined();
	});
});

describe('stateless nonces', () => {
	const secret = deriveDigestNonceSecret({
		user: 'telesign',
		password: 'a long password',
		scope: 'hook-1/telesign-voice',
	});
	const t0 = 1_700_000_000_000;

	it('are the same secret in every process, different per webhook, user and password', () => {
		expect(
			deriveDigestNonceSecret({
				user: 'telesign',
				password: 'a long password',
				scope: 'hook-1/telesign-voice',
			}),
		).toEqual(secret);
		expect(
			deriveDigestNonceSecret({
				user: 'telesign',
				password: 'a long password',
				scope: 'hook-2/telesign-voice',
			}),
		).not.toEqual(secret);
		expect(
			deriveDigestNonceSecret({
				user: 'other',
				password: 'a long password',
				scope: 'hook-1/telesign-voice',
			}),
		).not.toEqual(secret);
		expect(
			deriveDigestNonceSecret({
				user: 'telesign',
				password: 'another password',
				scope: 'hook-1/telesign-voice',
			}),
		).not.toEqual(secret);
	});

	it('has the documented shape and is fresh each time', () => {
		const nonce = createDigestNonce(secret, t0, 'aa'.repeat(12));
		expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/);
		const [stamp, random, mac] = Buffer.from(nonce, 'base64url').toString('utf8').split(':');
		expect(stamp).toBe(String(t0));
		expect(random).toBe('aa'.repeat(12));
		expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(createDigestNonce(secret, t0)).not.toBe(createDigestNonce(secret, t0));
	});

	it('is valid within its lifetime, stale after it, invalid when forged or from another secret', () => {
		const nonce = createDigestNonce(secret, t0);
		expect(checkDigestNonce(secret, nonce, t0)).toBe('valid');
		expect(checkDigestNonce(secret, nonce, t0 + DIGEST_NONCE_LIFETIME_MS)).toBe('valid');
		expect(checkDigestNonce(secret, nonce, t0 + DIGEST_NONCE_LIFETIME_MS + 1)).toBe('stale');
		expect(checkDigestNonce(secret, nonce, t0 - 60_000)).toBe('invalid'); // issued "in the future"
		const other = deriveDigestNonceSecret({
			user: 'telesign',
			password: 'a long password',
			scope: 'hook-2/telesign-voice',
		});
		expect(checkDigestNonce(other, nonce, t0)).toBe('invalid');
		// Moving the timestamp forward (to extend the lifetime) breaks the MAC.
		const [, random, mac] = Buffer.from(nonce, 'base64url').toString('utf8').split(':');
		const forged = Buffer.from(`${t0 + 1_000_000}:${random}:${mac}`).toString('base64url');
		expect(checkDigestNonce(secret, forged, t0 + 1_000_000)).toBe('invalid');
		expect(checkDigestNonce(secret, 'not a nonce!', t0)).toBe('invalid');
		expect(checkDigestNonce(secret, Buffer.from('1:2').toString('base64url'), t0)).toBe('invalid');
	});

	it('builds one challenge per algorithm, SHA-256 first, with stale when asked', () => {
		expect(buildDigestChallenges({ nonce: 'N' })).toEqual([
			'Digest realm="Telesign Voice", qop="auth", algorithm=SHA-256, nonce="N"',
			'Digest realm="Telesign Voice", qop="auth", algorithm=MD5, nonce="N"',
		]);
		expect(buildDigestChallenges({ nonce: 'N', stale: true })[0]).toMatch(/, stale=true$/);
	});
});

describe('verifyDigestAuth', () => {
	const user = { user: 'telesign', password: 'correct horse battery' };
	const secret = deriveDigestNonceSecret({ ...user, scope: 'hook/telesign-voice' });
	const now = 1_700_000_000_000;
	const target = '/webhook/hook/telesign-voice';

	function header(
		overrides: Partial<Record<string, string>> = {},
		algorithm: DigestAlgorithm = 'SHA-256',
		pass = user.password,
	): string {
		const p = {
			username: user.user,
			realm: 'Telesign Voice',
			nonce: createDigestNonce(secret, now),
			uri: target,
			nc: '00000001',
			cnonce: 'abcdef0123',
			qop: 'auth',
			...overrides,
		};
		const response = computeDigestResponse({
			algorithm,
			username: p.username,
			realm: p.realm,
			password: pass,
			method: 'POST',
			uri: p.uri,
			nonce: p.nonce,
			nc: p.nc,
			cnonce: p.cnonce,
			qop: 'auth',
		});
		return (
			`Digest username="${p.username}", realm="${p.realm}", nonce="${p.nonce}", uri="${p.uri}", algorithm=${algorithm}, ` +
			`qop=${p.qop}, nc=${p.nc}, cnonce="${p.cnonce}", response="${overrides.response ?? response}"`
		);
	}

	const verify = (authorization: string | undefined, nowMs = now, requestTarget = target) =>
		verifyDigestAuth({
			authorization,
			method: 'POST',
			requestTarget,
			expected: user,
			secret,
			nowMs,
		});

	it('accepts a correct SHA-256 or MD5 response, and replays within the nonce lifetime', () => {
		const h = header();
		expect(verify(h)).toEqual({ valid: true });
		expect(verify(h, now + 1000)).toEqual({ valid: true });
		expect(verify(header({}, 'MD5'))).toEqual({ valid: true });
	});

	it('accepts an absolute-form uri and a uri whose path ends with the request path (proxy prefix)', () => {
		expect(
			verify(header({ uri: 'https://hooks.example.com/webhook/hook/telesign-voice' })),
		).toEqual({ valid: true });
		expect(verify(header({ uri: '/n8n/webhook/hook/telesign-voice' }))).toEqual({ valid: true });
	});

	it('rejects a missing, malformed, wrong or stale response', () => {
		expect(verify(undefined)).toEqual({ valid: false, reason: 'missing' });
		expect(verify('Basic dTpw')).toEqual({ valid: false, reason: 'malformed' });
		expect(verify(header().replace(/, qop=auth/, ''))).toEqual({
			valid: false,
			reason: 'malformed',
		});
		expect(verify(header({ nc: '1' }))).toEqual({ valid: false, reason: 'malformed' });
		expect(verify(header().replace('algorithm=SHA-256', 'algorithm=SHA-256-sess'))).toEqual({
			valid: false,
			reason: 'malformed',
		});
		expect(verify(header({}, 'SHA-256', 'wrong password!!'))).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verify(header({ username: 'someone' }))).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verify(header({ realm: 'elsewhere' }))).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verify(header({ response: '0'.repeat(64) }))).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verify(header({ nonce: RFC.nonce }))).toEqual({ valid: false, reason: 'bad_nonce' });
		expect(verify(header({ uri: '/webhook/other/telesign-voice' }))).toEqual({
			valid: false,
			reason: 'wrong_uri',
		});
		expect(verify(header(), now + DIGEST_NONCE_LIFETIME_MS + 1)).toEqual({
			valid: false,
			reason: 'stale_nonce',
		});
		// A wrong password on an expired nonce is "wrong", not "stale": stale=true only for a correct response.
		expect(
			verify(header({}, 'SHA-256', 'wrong password!!'), now + DIGEST_NONCE_LIFETIME_MS + 1),
		).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
	});

	it('accepts username* (RFC 8187) for the same user', () => {
		const h = header().replace(`username="${user.user}"`, `username*=UTF-8''${user.user}`);
		expect(verify(h)).toEqual({ valid: true });
	});
});

describe('digestUriMatches', () => {
	it('compares path and query', () => {
		expect(digestUriMatches('/a/b?x=1', '/a/b?x=1')).toBe(true);
		expect(digestUriMatches('/a/b?x=2', '/a/b?x=1')).toBe(false);
		expect(digestUriMatches('/a/b', '/a/c')).toBe(false);
		expect(digestUriMatches('/a/b', 'a/b')).toBe(false);
		expect(digestUriMatches('a/b', '/a/b')).toBe(false);
		expect(digestUriMatches('/x/a/b', '/a/b')).toBe(true);
		expect(digestUriMatches('/xa/b', '/a/b')).toBe(false);
	});
});

describe('Basic auth', () => {
	const user = { user: 'telesign', password: 'correct horse battery' };
	const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

	it('parses and verifies', () => {
		expect(parseBasicAuthorization(basic('a', 'b:c'))).toEqual({ user: 'a', password: 'b:c' });
		expect(verifyBasicAuth(basic(user.user, user.password), user)).toEqual({ valid: true });
		expect(
			verifyBasicAuth(
				`basic   ${Buffer.from('telesign:correct horse battery').toString('base64')}`,
				user,
			),
		).toEqual({ valid: true });
	});

	it('rejects missing, malformed and wrong credentials', () => {
		expect(verifyBasicAuth(undefined, user)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyBasicAuth('Bearer x', user)).toEqual({ valid: false, reason: 'malformed' });
		expect(verifyBasicAuth('Basic !!!', user)).toEqual({ valid: false, reason: 'malformed' });
		expect(verifyBasicAuth(`Basic ${Buffer.from('no-colon').toString('base64')}`, user)).toEqual({
			valid: false,
			reason: 'malformed',
		});
		expect(verifyBasicAuth(basic(user.user, 'correct horse batterY'), user)).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verifyBasicAuth(basic('Telesign', user.password), user)).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
		expect(verifyBasicAuth(basic(user.user, ''), user)).toEqual({
			valid: false,
			reason: 'wrong_credentials',
		});
	});

	it('challenges with the realm', () => {
		expect(buildBasicChallenge()).toBe('Basic realm="Telesign Voice"');
	});
});

describe('helpers', () => {
	it('safeEqualSecret compares any lengths', () => {
		expect(safeEqualSecret('abc', 'abc')).toBe(true);
		expect(safeEqualSecret('abc', 'abcd')).toBe(false);
		expect(safeEqualSecret('', '')).toBe(true);
	});

	it('webhookCredentialProblems explains what is wrong', () => {
		expect(webhookCredentialProblems('telesign', 'correct horse battery')).toEqual([]);
		expect(webhookCredentialProblems('', 'correct horse battery')).toEqual(['User is empty']);
		expect(webhookCredentialProblems(' telesign', 'correct horse battery')).toEqual([
			'User starts or ends with a space',
		]);
		expect(webhookCredentialProblems('a:b', 'correct horse battery')[0]).toMatch(
			/must not contain ":"/,
		);
		expect(webhookCredentialProblems('telesign', 'short')).toEqual([
			'Password has 5 characters: use at least 12',
		]);
		expect(webhookCredentialProblems('telesign', 'correct horse battery ')).toEqual([
			'Password starts or ends with a space',
		]);
		expect(webhookCredentialProblems(undefined, undefined)).toEqual([
			'User is empty',
			'Password is empty',
		]);
	});
});
