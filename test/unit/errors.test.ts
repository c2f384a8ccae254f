import {
	interpretResponse,
	interpretVoiceResponse,
	parseRetryAfter,
} from '../../nodes/shared/telesign/errors';

describe('interpretVoiceResponse maps every documented answer', () => {
	it('202 dial_accepted is success', () => {
		const body = { reference_id: 'ABC', status: 'dial_accepted', external_id: 'x' };
		expect(interpretVoiceResponse(202, body)).toEqual({ ok: true, body });
	});

	it.each([
		['premium_to_number_rejected', /premium-rate/],
		['to_number_blocked_by_country', /country/],
		['to_number_blocked_by_customer', /blocklist/],
		['to_number_blocked_by_telesign', /Telesign blocks/],
	])('200 %s is a refusal, not a success', (status, meaning) => {
		const outcome = interpretVoiceResponse(200, { reference_id: 'R1', status });
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.kind).toBe('rejected');
		expect(outcome.status).toBe(status);
		expect(outcome.referenceId).toBe('R1');
		expect(outcome.message).toContain(status);
		expect(outcome.message).toMatch(meaning);
		expect(outcome.description).toMatch(/No call was placed/);
	});

	it.each([
		[400, 'caller_id_number_not_owned', 'validation', /leased from Telesign/],
		[400, 'caller_id_number_not_provided', 'validation', /Caller ID Number/],
		[400, 'invalid_phone_number', 'validation', /international number/],
		[400, 'to_number_not_provided', 'validation', /Set To/],
		[400, 'unsupported_call_state', 'validation', /allowed after which event/],
		[401, 'credentials_not_provided', 'auth', /Customer ID and API Key/],
		[401, 'not_authorized', 'auth', /Customer ID, the API Key and the Authentication Method/],
		[429, 'rate_limit_exceeded', 'rate_limited', /Concurrency/],
	])('%i %s → %s with advice', (httpCode, status, kind, advice) => {
		const outcome = interpretVoiceResponse(
			httpCode,
			JSON.stringify({ reference_id: 'R2', status }),
		);
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.kind).toBe(kind);
		expect(outcome.httpCode).toBe(httpCode);
		expect(outcome.status).toBe(status);
		expect(outcome.referenceId).toBe('R2');
		expect(outcome.message).toContain(status);
		expect(outcome.description).toMatch(advice);
	});

	it('5xx and unknown codes are errors with generic advice', () => {
		const outcome = interpretVoiceResponse(503, '<html>down</html>');
		expect(outcome).toMatchObject({ ok: false, kind: 'server', httpCode: 503 });
		expect(interpretVoiceResponse(418, {})).toMatchObject({ ok: false, kind: 'unexpected' });
	});

	it('reads v1-style status objects', () => {
		const outcome = interpretVoiceResponse(401, {
			status: { code: 10008, description: 'Invalid Signature.' },
		});
		expect(outcome).toMatchObject({ ok: false, kind: 'auth', status: '10008 Invalid Signature.' });
	});
});

describe('interpretResponse (Recordings)', () => {
	it('404 says nothing was found', () => {
		const outcome = interpretResponse(404, {}, 'Telesign Recordings API');
		expect(outcome).toMatchObject({ ok: false, kind: 'not_found' });
		if (!outcome.ok) expect(outcome.description).toMatch(/Nothing was found/);
	});
	it('204 is success', () => {
		expect(interpretResponse(204, '', 'x')).toEqual({ ok: true, body: '' });
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('3')).toBe(3);
		expect(parseRetryAfter(['2'])).toBe(2);
		const now = new Date('2026-11-22T10:00:00Z');
		expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});
