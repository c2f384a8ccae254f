'use strict';
const net = require('net');
const { TelesignSimulator, basicAuthHeader, tsaHeaders } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890', apiKey: 'VGVzdCBLZXk=' };
const ACCT2 = {
	customerId: 'AAAAAAAA-0000-0000-0000-000000000002',
	apiKey: Buffer.from('second key').toString('base64'),
};
const OWNED = '15550001111';

let sim;
let base;
let recv;
beforeAll(async () => {
	recv = await startReceiver(() => ({ method: 'hangup', params: {} }));
});
afterAll(async () => {
	await recv.close();
});
beforeEach(async () => {
	sim = new TelesignSimulator({
		accounts: [ACCT, ACCT2],
		ownedNumbers: [OWNED],
		webhookUrl: recv.url,
		blocked: {
			15559990001: 'to_number_blocked_by_country',
			15559990002: 'to_number_blocked_by_customer',
			15559990003: 'to_number_blocked_by_telesign',
			19009990004: 'premium_to_number_rejected',
		},
	});
	base = (await sim.start()).url;
});
afterEach(async () => {
	await sim.stop();
});

const dial = (to, extra, o = {}) =>
	apiRequest(base, { body: dialBody(to, OWNED, extra), auth: 'basic', account: ACCT, ...o });

describe('authentication', () => {
	test('Basic accepted → 202 dial_accepted with 32-hex reference_id and echoed external_id', async () => {
		const r = await dial('15551230000', { external_id: 'ext-1' });
		expect(r.status).toBe(202);
		expect(r.json).toEqual({
			reference_id: expect.stringMatching(/^[0-9A-F]{32}$/),
			status: 'dial_accepted',
			external_id: 'ext-1',
		});
		const r2 = await dial('15551230000');
		expect(r2.json.external_id).toBeUndefined();
	});
	test('TSA accepted (Date and x-ts-date forms) and second account accepted', async () => {
		expect((await dial('15551230000', {}, { auth: 'tsa' })).status).toBe(202);
		expect((await dial('15551230000', {}, { auth: 'tsa', tsa: { useXTsDate: true } })).status).toBe(
			202,
		);
		expect((await dial('15551230000', {}, { auth: 'tsa', account: ACCT2 })).status).toBe(202);
		const reqs = sim.requests();
		expect(reqs.map((r) => r.authMethod)).toEqual(['tsa', 'tsa', 'tsa']);
		expect(reqs[2].customerId).toBe(ACCT2.customerId);
	});
	test('no Authorization → 401 credentials_not_provided', async () => {
		const r = await apiRequest(base, { body: dialBody('15551230000', OWNED) });
		expect(r.status).toBe(401);
		expect(r.json.status).toBe('credentials_not_provided');
	});
	test('wrong key, wrong customer, garbage → 401 not_authorized', async () => {
		for (const acct of [
			{ ...ACCT, apiKey: 'd3Jvbmc=' },
			{ ...ACCT, customerId: 'nobody' },
		]) {
			expect((await dial('15551230000', {}, { account: acct })).json.status).toBe('not_authorized');
			expect((await dial('15551230000', {}, { auth: 'tsa', account: acct })).json.status).toBe(
				'not_authorized',
			);
		}
		const r = await dial('15551230000', {}, { headers: { Authorization: 'Bearer abc' } });
		expect(r.status).toBe(401);
		expect(r.json.status).toBe('not_authorized');
		expect(sim.dialsPlaced()).toHaveLength(0);
	});
	test('TSA tampered body → 401 with the server string-to-sign in the log', async () => {
		const body = JSON.stringify(dialBody('15551230000', OWNED));
		const headers = tsaHeaders({ ...ACCT, method: 'POST', resource: '/v2/voice', body });
		const r = await apiRequest(base, { body: body.replace('15551230000', '15551230001'), headers });
		expect(r.status).toBe(401);
		expect(r.json.status).toBe('not_authorized');
		const log = sim.requests()[0];
		expect(log.authError).toBe('signature mismatch');
		expect(log.expectedStringToSign).toContain('/v2/voice');
	});
	test('TSA with a different Content-Type string than the one signed → 401', async () => {
		const body = JSON.stringify(dialBody('15551230000', OWNED));
		const headers = tsaHeaders({ ...ACCT, method: 'POST', resource: '/v2/voice', body });
		headers['Content-Type'] = 'application/json; charset=utf-8';
		expect((await apiRequest(base, { body, headers })).status).toBe(401);
	});
	test('TSA reused nonce → 401; stale date → 401', async () => {
		const body = JSON.stringify(dialBody('15551230000', OWNED));
		const headers = tsaHeaders({
			...ACCT,
			method: 'POST',
			resource: '/v2/voice',
			body,
			nonce: 'nonce-1',
		});
		expect((await apiRequest(base, { body, headers })).status).toBe(202);
		const again = await apiRequest(base, { body, headers });
		expect(again.status).toBe(401);
		expect(sim.requests()[1].authError).toMatch(/nonce/);
		const old = new Date(Date.now() - 16 * 60 * 1000).toUTCString();
		const stale = await dial('15551230000', {}, { auth: 'tsa', tsa: { date: old } });
		expect(stale.status).toBe(401);
		const future = new Date(Date.now() + 16 * 60 * 1000).toUTCString();
		expect(
			(await dial('15551230000', {}, { auth: 'tsa', tsa: { date: future, useXTsDate: true } }))
				.status,
		).toBe(401);
		const ok = new Date(Date.now() - 14 * 60 * 1000).toUTCString();
		expect((await dial('15551230000', {}, { auth: 'tsa', tsa: { date: ok } })).status).toBe(202);
	});
	test('the request log never contains the API key or the Authorization value', async () => {
		await dial('15551230000');
		await dial('15551230000', {}, { auth: 'tsa' });
		await dial('15551230000', {}, { account: { ...ACCT, apiKey: 'bad' } });
		const text = JSON.stringify(sim.requests()) + JSON.stringify(sim.calls());
		expect(text).not.toContain(ACCT.apiKey);
		expect(text).not.toContain(basicAuthHeader(ACCT.customerId, ACCT.apiKey).slice(6));
		expect(text).not.toMatch(/TSA [^"]*:/);
		expect(sim.requests()[0]).toMatchObject({
			authMethod: 'basic',
			customerId: ACCT.customerId,
			status: 202,
		});
		const http = await apiRequest(base, { method: 'GET', path: '/_sim/requests' });
		expect(http.json.requests).toHaveLength(3);
	});
});

describe('dial validation', () => {
	const cases = [
		[{ method: 'dial', params: { caller_id_number: OWNED } }, 'to_number_not_provided'],
		[{ method: 'dial', params: { to: '15551230000' } }, 'caller_id_number_not_provided'],
		[dialBody('15551230000', '15557654321'), 'caller_id_number_not_owned'],
		[dialBody('+15551230000', OWNED), 'invalid_phone_number'],
		[dialBody('1555-123-0000', OWNED), 'invalid_phone_number'],
		[dialBody('1234567', OWNED), 'invalid_phone_number'],
		[dialBody('1234567890123456', OWNED), 'invalid_phone_number'],
		[dialBody('05551230000', OWNED), 'invalid_phone_number'],
		[dialBody('1555123000A', OWNED), 'invalid_phone_number'],
		[dialBody('15551230000', '+15550001111'), 'invalid_phone_number'],
	];
	test.each(cases)('%j → 400 %s', async (body, code) => {
		const r = await apiRequest(base, { body, auth: 'basic', account: ACCT });
		expect(r.status).toBe(400);
		expect(r.json.status).toBe(code);
		expect(sim.dialsPlaced()).toHaveLength(0);
	});
	test('8 and 15 digit numbers are valid', async () => {
		expect((await dial('12345678')).status).toBe(202);
		expect((await dial('123456789012345')).status).toBe(202);
	});
	test('other methods via the API → 400 unsupported_call_state; junk → 400 invalid_request', async () => {
		const r = await apiRequest(base, {
			body: { method: 'speak', params: { tts: { message: 'x' } } },
			auth: 'basic',
			account: ACCT,
		});
		expect(r.status).toBe(400);
		expect(r.json.status).toBe('unsupported_call_state');
		expect(
			(await apiRequest(base, { body: 'not json', auth: 'basic', account: ACCT })).json.status,
		).toBe('invalid_request');
		const form = await apiRequest(base, {
			body: 'to=1',
			auth: 'basic',
			account: ACCT,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expect(form.status).toBe(400);
	});
	test('external_id echoed in 400', async () => {
		const r = await apiRequest(base, {
			body: { method: 'dial', params: { caller_id_number: OWNED, external_id: 'e9' } },
			auth: 'basic',
			account: ACCT,
		});
		expect(r.json).toMatchObject({ status: 'to_number_not_provided', external_id: 'e9' });
	});
	test('blocked numbers → 200 with the block status, no call placed', async () => {
		const expected = {
			15559990001: 'to_number_blocked_by_country',
			15559990002: 'to_number_blocked_by_customer',
			15559990003: 'to_number_blocked_by_telesign',
			19009990004: 'premium_to_number_rejected',
		};
		for (const [num, status] of Object.entries(expected)) {
			const r = await dial(num, { external_id: `b-${num}` });
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ reference_id: expect.any(String), status, external_id: `b-${num}` });
		}
		expect(sim.dialsPlaced()).toHaveLength(0);
		expect(sim.calls()).toHaveLength(0);
	});
});

describe('rate limit and faults', () => {
	test('rateLimit → 429 rate_limit_exceeded + Retry-After beyond the budget', async () => {
		sim.configure({ rateLimit: { maxPerWindow: 3, windowMs: 60000, retryAfter: 7 } });
		const results = [];
		for (let i = 0; i < 5; i++) results.push(await dial('15551230000', { external_id: `r${i}` }));
		expect(results.map((r) => r.status)).toEqual([202, 202, 202, 429, 429]);
		expect(results[3].json).toEqual({ status: 'rate_limit_exceeded' });
		expect(results[3].headers['retry-after']).toBe('7');
		expect(sim.dialsPlaced()).toHaveLength(3);
	});
	test('rate limit in a concurrent burst of 50 dials', async () => {
		sim.configure({ rateLimit: { maxPerWindow: 10, windowMs: 60000 } });
		const rs = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				dial(`1555123${String(i).padStart(4, '0')}`, { external_id: `x${i}` }),
			),
		);
		expect(rs.filter((r) => r.status === 202)).toHaveLength(10);
		const limited = rs.filter((r) => r.status === 429);
		expect(limited).toHaveLength(40);
		expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(sim.dialsPlaced()).toHaveLength(10);
	});
	test('global "next N" faults: 429 with Retry-After, 500, 503, then normal', async () => {
		sim.configure({
			faults: { next: [{ status: 429, retryAfter: 2 }, { status: 500 }, { status: 503 }] },
		});
		const a = await dial('15551230000');
		expect(a.status).toBe(429);
		expect(a.json).toEqual({ status: 'rate_limit_exceeded' });
		expect(a.headers['retry-after']).toBe('2');
		expect((await dial('15551230000')).status).toBe(500);
		expect((await dial('15551230000')).status).toBe(503);
		expect((await dial('15551230000')).status).toBe(202);
		expect(sim.dialsPlaced()).toHaveLength(1);
	});
	test('per-number fault queue consumed one per request for that `to`', async () => {
		sim.injectFault({ status: 503 }, { to: '15551230002', times: 2 });
		expect((await dial('15551230001')).status).toBe(202);
		expect((await dial('15551230002')).status).toBe(503);
		expect((await dial('15551230001')).status).toBe(202);
		expect((await dial('15551230002')).status).toBe(503);
		expect((await dial('15551230002')).status).toBe(202);
		expect(sim.dialCounts('to')).toEqual({ 15551230001: 2, 15551230002: 1 });
	});
	test("reset:'before' → socket destroyed, dial NOT placed", async () => {
		sim.injectFault({ reset: 'before' });
		await expect(dial('15551230000', { external_id: 'rb' })).rejects.toThrow();
		expect(sim.dialsPlaced()).toHaveLength(0);
		expect(sim.requests()[0]).toMatchObject({ status: null });
		sim.injectFault({ reset: 'before' }, { to: '15551230009' });
		await expect(dial('15551230009')).rejects.toThrow();
		expect(sim.dialsPlaced()).toHaveLength(0);
	});
	test("reset:'after' → socket destroyed, dial IS placed and the call runs", async () => {
		sim.injectFault({ reset: 'after' }, { to: '15551230000' });
		await expect(dial('15551230000', { external_id: 'ra' })).rejects.toThrow();
		const placed = sim.dialsPlaced();
		expect(placed).toHaveLength(1);
		expect(placed[0].external_id).toBe('ra');
		const c = await sim.waitForCall(placed[0].reference_id);
		expect(c.events).toEqual(['dial_completed', 'call_completed']);
		// a retry with the same external_id is visible as a duplicate
		expect((await dial('15551230000', { external_id: 'ra' })).status).toBe(202);
		expect(sim.duplicateDials()).toEqual([
			{ key: 'ra', external_id: 'ra', count: 2, reference_ids: expect.any(Array) },
		]);
		expect(sim.duplicateDials({ by: 'to' })[0]).toMatchObject({ to: '15551230000', count: 2 });
	});
	test('{delayMs} → accepted then slow: a client timeout still leaves the dial placed', async () => {
		sim.injectFault({ delayMs: 3000 });
		await expect(dial('15551230000', { external_id: 'slow' }, { timeoutMs: 200 })).rejects.toThrow(
			/timeout/,
		);
		expect(sim.dialsPlaced().map((d) => d.external_id)).toEqual(['slow']);
		await sim.waitForCall(sim.dialsPlaced()[0].reference_id, { timeoutMs: 5000 });
	});
	test('{delayMs} with a patient client → 202 after the delay', async () => {
		sim.injectFault({ delayMs: 150 });
		const t0 = Date.now();
		const r = await dial('15551230000');
		expect(r.status).toBe(202);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
	});
	test('latencyMs delays every answer', async () => {
		sim.configure({ latencyMs: 100 });
		const t0 = Date.now();
		expect((await dial('15551230000')).status).toBe(202);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
	});
	test('faults via POST /_sim/config and /_sim/faults', async () => {
		await apiRequest(base, {
			path: '/_sim/config',
			body: { faults: { byNumber: { 15551230000: [{ status: 500 }] } } },
		});
		await apiRequest(base, {
			path: '/_sim/faults',
			body: { to: '15551230001', fault: { status: 429, retryAfter: 1 } },
		});
		expect((await dial('15551230000')).status).toBe(500);
		expect((await dial('15551230001')).status).toBe(429);
		expect((await dial('15551230001')).status).toBe(202);
	});
});

describe('control endpoints and lifecycle', () => {
	test('GET /_sim/calls, /_sim/calls/:id, POST /_sim/reset, unknown → 404', async () => {
		const r = await dial('15551230000', { external_id: 'c1' });
		await sim.waitForCall(r.json.reference_id);
		const all = await apiRequest(base, { method: 'GET', path: '/_sim/calls' });
		expect(all.json.calls).toHaveLength(1);
		const one = await apiRequest(base, {
			method: 'GET',
			path: `/_sim/calls/${r.json.reference_id}`,
		});
		expect(one.json).toMatchObject({
			reference_id: r.json.reference_id,
			external_id: 'c1',
			state: 'completed',
		});
		expect((await apiRequest(base, { method: 'GET', path: '/_sim/calls/nope' })).status).toBe(404);
		expect((await apiRequest(base, { path: '/_sim/reset', body: {} })).json).toEqual({ ok: true });
		expect(sim.calls()).toHaveLength(0);
		expect(sim.requests()).toHaveLength(0);
		expect((await apiRequest(base, { method: 'GET', path: '/elsewhere' })).status).toBe(404);
		expect((await apiRequest(base, { method: 'GET', path: '/v2/voice' })).status).toBe(405);
	});
	test('POST /_sim/config merges and returns config without keys', async () => {
		const r = await apiRequest(base, {
			path: '/_sim/config',
			body: { callees: { 15551230000: { answer: 'busy' } }, latencyMs: 0 },
		});
		expect(r.status).toBe(200);
		expect(r.json.callees['15551230000']).toEqual({ answer: 'busy' });
		expect(JSON.stringify(r.json)).not.toContain(ACCT.apiKey);
		expect(
			(
				await apiRequest(base, {
					path: '/_sim/config',
					body: { callees: { 1: { answer: 'maybe' } } },
				})
			).status,
		).toBe(400);
	});
	test('stop() closes keep-alive connections and pending delays promptly', async () => {
		sim.injectFault({ delayMs: 60000 });
		const pending = dial('15551230000', {}, { timeoutMs: 10000 }).catch((e) => e);
		await new Promise((ok) => {
			const check = () => (sim.dialsPlaced().length ? ok() : setImmediate(check));
			check();
		});
		// stop() cuts the delayed dial off (the client sees its connection close) instead of waiting 60 s for it;
		// a stop() that waited would outlast the test's timeout.
		await sim.stop();
		const outcome = await pending;
		expect(outcome).toMatchObject({ code: 'ECONNRESET' });
		const refused = await new Promise((ok) => {
			const s = net.connect(sim.port, '127.0.0.1');
			s.on('error', () => ok(true));
			s.on('connect', () => {
				s.destroy();
				ok(false);
			});
		});
		expect(refused).toBe(true);
	});
});
