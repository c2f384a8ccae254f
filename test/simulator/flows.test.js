'use strict';
const { TelesignSimulator, verifyEventSignature, signEventBody, postEvent } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'CUST-0001', apiKey: Buffer.from('flows-key').toString('base64') };
const OWNED = '15550001111';
const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
const speak = (message, collect) => ({
	jsonrpc: '2.0',
	method: 'speak',
	params: {
		tts: { message, language: 'en-US' },
		...(collect ? { collect_digits: { max: collect } } : {}),
	},
});
const hangup = { jsonrpc: '2.0', method: 'hangup', params: {} };

let sim;
let recv;
let base;
/** Per-test answer script: event name → action (or function(ev) → action / {__raw}). */
let script = {};

beforeEach(async () => {
	script = {};
	recv = await startReceiver((ev) => {
		const a = script[ev.event];
		return typeof a === 'function' ? a(ev) : a;
	});
	sim = new TelesignSimulator({
		accounts: [ACCT],
		ownedNumbers: [OWNED],
		webhookUrl: recv.url,
		callees: {
			15551110001: { digits: ['1', '42'] },
			15551110002: { answer: 'busy' },
			15551110003: { answer: 'no_answer' },
			15551110004: { answer: 'failed' },
			15551110005: { hangupDuring: 'speak' },
			15551110006: { hangupDuring: 'play' },
			15551110007: { record: true },
		},
	});
	base = (await sim.start()).url;
});
afterEach(async () => {
	await sim.stop();
	await recv.close();
});

async function placeCall(to, extra = {}) {
	const r = await apiRequest(base, {
		body: dialBody(to, OWNED, extra),
		auth: 'basic',
		account: ACCT,
	});
	expect(r.status).toBe(202);
	return r.json.reference_id;
}
const entriesOf = (c, type) => c.entries.filter((e) => e.type === type);

test('speechMsPerChar: a speak lasts in proportion to its message, so its speak_completed comes no sooner', async () => {
	sim.configure({ speechMsPerChar: 20 });
	let answeredMs = 0;
	script = {
		dial_completed: () => {
			answeredMs = Date.now();
			return speak('x'.repeat(15), 1); // 15 characters × 20 ms
		},
		speak_completed: hangup,
	};
	const call = await sim.waitForCall(await placeCall('15551110001'), { state: 'completed' });
	expect(call.events).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	const spoken = recv.received.find((r) => r.event.event === 'speak_completed');
	expect(spoken.receivedMs - answeredMs).toBeGreaterThanOrEqual(300);
});

test('flow A: dial → answered → speak → speak_completed → hangup → call_completed', async () => {
	script = { dial_completed: speak('Your order shipped', 1), speak_completed: hangup };
	const ref = await placeCall('15551110001', { external_id: 'order-7' });
	const call = await sim.waitForCall(ref, { state: 'completed' });
	expect(call.events).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	expect(call.states).toEqual(['dialing', 'answered', 'ended', 'completed']);

	const evs = recv.events();
	expect(evs).toHaveLength(3);
	expect(evs[0]).toEqual({
		event: 'dial_completed',
		reference_id: ref,
		external_id: 'order-7',
		data: { to: '15551110001', from: OWNED, status: 'answered' },
	});
	expect(evs[1]).toEqual({
		event: 'speak_completed',
		reference_id: ref,
		external_id: 'order-7',
		data: { status: 'speak_successful', collected_digits: '1' },
	});
	const cdr = evs[2];
	expect(cdr).toMatchObject({ event: 'call_completed', reference_id: ref, external_id: 'order-7' });
	expect(cdr.data).toEqual({
		duration: expect.any(Number),
		created_on_utc: expect.stringMatching(TS_RE),
		answered_on_utc: expect.stringMatching(TS_RE),
		ended_on_utc: expect.stringMatching(TS_RE),
		status: 'hangup',
		audio_recording_file_name: null,
		to: '15551110001',
		from: OWNED,
		direction: 'outbound',
	});
	expect(Number.isInteger(cdr.data.duration)).toBe(true);
	expect(cdr.data.answered_on_utc >= cdr.data.created_on_utc).toBe(true);
	expect(cdr.data.ended_on_utc >= cdr.data.answered_on_utc).toBe(true);

	// every event is signed as a Telesign callback, with the account's key
	for (const r of recv.received) {
		expect(r.headers['content-type']).toBe('application/json');
		const sig = signEventBody(ACCT.apiKey, r.rawBody);
		expect(r.headers.authorization).toBe(`TSA ${ACCT.customerId}:${sig}`);
		expect(r.headers['x-ts-authorization']).toBe(sig);
		expect(verifyEventSignature(ACCT.apiKey, r.rawBody, r.headers.authorization)).toBe(true);
	}
	// the log: request, events with webhook status + response body, actions
	expect(call.entries[0]).toMatchObject({
		type: 'request',
		status: 202,
		authMethod: 'basic',
		customerId: ACCT.customerId,
	});
	const events = entriesOf(call, 'event');
	expect(events[0]).toMatchObject({
		event: 'dial_completed',
		webhookStatus: 200,
		signing: 'valid',
	});
	expect(JSON.parse(events[0].responseBody)).toEqual(speak('Your order shipped', 1));
	expect(entriesOf(call, 'action').map((a) => [a.inResponseTo, a.method])).toEqual([
		['dial_completed', 'speak'],
		['speak_completed', 'hangup'],
	]);
	const lat = sim.eventLatencies();
	expect(lat.map((l) => l.event)).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	for (const l of lat) expect(l.latencyMs).toBeGreaterThan(0);
});

test('flow B: answered → hangup → call_completed', async () => {
	script = { dial_completed: hangup };
	const ref = await placeCall('15551230000');
	const call = await sim.waitForCall(ref);
	expect(call.events).toEqual(['dial_completed', 'call_completed']);
	expect(call.status).toBe('hangup');
	expect(recv.events()[1].data.status).toBe('hangup');
	expect(recv.events()[0].external_id).toBeUndefined();
});

test('flow C: callee hangs up during speak → call_completed, no speak_completed', async () => {
	script = { dial_completed: speak('A long message') };
	const ref = await placeCall('15551110005');
	const call = await sim.waitForCall(ref);
	expect(call.events).toEqual(['dial_completed', 'call_completed']);
	expect(entriesOf(call, 'note').some((n) => /hung up during speak/.test(n.message))).toBe(true);
	expect(recv.events()[1].data).toMatchObject({ status: 'hangup', direction: 'outbound' });
});

test('callee hangs up during play', async () => {
	script = { dial_completed: { method: 'play', params: { url: 'https://example.com/a.wav' } } };
	const call = await sim.waitForCall(await placeCall('15551110006'));
	expect(call.events).toEqual(['dial_completed', 'call_completed']);
});

test.each([
	['15551110002', 'busy'],
	['15551110003', 'no_answer'],
	['15551110004', 'failed'],
])('%s → dial_completed %s then call_completed (answer ignored)', async (to, status) => {
	script = { dial_completed: speak('never heard') };
	const call = await sim.waitForCall(await placeCall(to));
	expect(call.events).toEqual(['dial_completed', 'call_completed']);
	const [dc, cc] = recv.events();
	expect(dc.data).toEqual({ to, from: OWNED, status });
	expect(cc.data).toMatchObject({ status, duration: 0, answered_on_utc: null });
	expect(entriesOf(call, 'action_ignored')).toHaveLength(1);
	expect(call.states).toEqual(['dialing', 'ended', 'completed']);
});

test('digits are consumed per collect, trimmed to max; no collect_digits → no collected_digits; play → play_completed', async () => {
	let n = 0;
	script = {
		dial_completed: speak('no collect'),
		speak_completed: () =>
			++n === 1
				? speak('menu', 1)
				: n === 2
					? { method: 'play', params: { url: 'https://x.test/m.wav', collect_digits: { max: 5 } } }
					: hangup,
		play_completed: {
			method: 'play',
			params: { url: 'https://x.test/m.wav', collect_digits: { max: 1 } },
		},
	};
	// flow: speak(no collect) → speak(collect 1: "1") → play(collect 5: "42") → play(collect: none left → "") → [play_completed → play...]
	script.play_completed = (ev) =>
		ev.data.collected_digits === '42'
			? { method: 'play', params: { url: 'https://x.test/m.wav', collect_digits: { max: 1 } } }
			: hangup;
	const call = await sim.waitForCall(await placeCall('15551110001'));
	const data = recv
		.events()
		.filter(
			(e) =>
				/_completed$/.test(e.event) && e.event !== 'call_completed' && e.event !== 'dial_completed',
		)
		.map((e) => [e.event, e.data]);
	expect(data).toEqual([
		['speak_completed', { status: 'speak_successful' }],
		['speak_completed', { status: 'speak_successful', collected_digits: '1' }],
		['play_completed', { status: 'play_successful', collected_digits: '42' }],
		['play_completed', { status: 'play_successful', collected_digits: '' }],
	]);
	expect(call.status).toBe('hangup');
});

test('an action not legal for the event → unsupported_call_state recorded, call ended', async () => {
	script = {
		dial_completed: { method: 'dial', params: { to: '15551230000', caller_id_number: OWNED } },
	};
	const call = await sim.waitForCall(await placeCall('15551230000'));
	const err = entriesOf(call, 'error')[0];
	expect(err).toMatchObject({
		code: 'unsupported_call_state',
		inResponseTo: 'dial_completed',
		method: 'dial',
	});
	expect(call.status).toBe('unsupported_call_state');
	expect(recv.events().map((e) => e.event)).toEqual(['dial_completed', 'call_completed']);
	expect(recv.events()[1].data.status).toBe('unsupported_call_state');
});

test('send_dtmf after speak_completed is not legal; unknown methods are not legal', async () => {
	script = {
		dial_completed: speak('x'),
		speak_completed: { method: 'send_dtmf', params: { digits: '1' } },
	};
	let call = await sim.waitForCall(await placeCall('15551230000'));
	expect(call.status).toBe('unsupported_call_state');
	script = { dial_completed: { method: 'record', params: {} } };
	call = await sim.waitForCall(await placeCall('15551230000'));
	expect(entriesOf(call, 'error')[0]).toMatchObject({
		code: 'unsupported_call_state',
		method: 'record',
	});
});

test('send_dtmf after dial_completed is legal: the callee hangs up afterwards', async () => {
	script = { dial_completed: { method: 'send_dtmf', params: { digits: '12#' } } };
	const call = await sim.waitForCall(await placeCall('15551230000'));
	expect(call.status).toBe('hangup');
	expect(entriesOf(call, 'action')[0].method).toBe('send_dtmf');
});

test('invalid action params → invalid_action recorded, call ended', async () => {
	script = { dial_completed: { method: 'speak', params: { message: 'wrong shape' } } };
	let call = await sim.waitForCall(await placeCall('15551230000'));
	expect(entriesOf(call, 'error')[0]).toMatchObject({ code: 'invalid_action', method: 'speak' });
	expect(call.status).toBe('invalid_action');
	script = {
		dial_completed: {
			method: 'speak',
			params: { tts: { message: 'x' }, collect_digits: { max: '1' } },
		},
	};
	call = await sim.waitForCall(await placeCall('15551230000'));
	expect(entriesOf(call, 'error')[0].message).toMatch(/positive integer/);
	script = { dial_completed: { method: 'hangup' } };
	call = await sim.waitForCall(await placeCall('15551230000'));
	expect(call.status).toBe('invalid_action');
});

describe('no action / unusable webhook answers → logged, platform hangs up', () => {
	const variants = [
		['{}', { __raw: { status: 200, body: '{}' } }, /no action/],
		['empty body', { __raw: { status: 200, body: '' } }, /empty/],
		['non-JSON', { __raw: { status: 200, body: 'OK', contentType: 'text/plain' } }, /not JSON/],
		['HTTP 500', { __raw: { status: 500, body: JSON.stringify(speak('x')) } }, /HTTP 500/],
		['HTTP 404', { __raw: { status: 404, body: '' } }, /HTTP 404/],
		['JSON array', { __raw: { status: 200, body: JSON.stringify([speak('x')]) } }, /array/],
		[
			'jsonrpc without method',
			{ __raw: { status: 200, body: '{"jsonrpc":"2.0","params":{}}' } },
			/no action/,
		],
	];
	test.each(variants)('%s', async (_name, answer, reason) => {
		script = { dial_completed: answer };
		const call = await sim.waitForCall(await placeCall('15551230000'));
		const na = entriesOf(call, 'no_action')[0];
		expect(na).toMatchObject({ inResponseTo: 'dial_completed', result: 'hangup' });
		expect(na.reason).toMatch(reason);
		expect(call.events).toEqual(['dial_completed', 'call_completed']);
		expect(call.status).toBe('hangup');
	});
	test('acceptArrayResponses acts on a one-element array', async () => {
		sim.configure({ acceptArrayResponses: true });
		script = {
			dial_completed: { __raw: { status: 200, body: JSON.stringify([speak('x')]) } },
			speak_completed: hangup,
		};
		const call = await sim.waitForCall(await placeCall('15551230000'));
		expect(call.events).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	});
	test('webhook timeout', async () => {
		sim.configure({ webhookTimeoutMs: 150 });
		script = {
			dial_completed: { __raw: { status: 200, body: JSON.stringify(hangup), delayMs: 1000 } },
		};
		const call = await sim.waitForCall(await placeCall('15551230000'));
		expect(entriesOf(call, 'event')[0].error).toBe('webhook_timeout');
		expect(entriesOf(call, 'no_action')[0].reason).toBe('webhook_timeout');
	});
	test('webhook unreachable / not configured', async () => {
		sim.configure({ webhookUrl: 'http://127.0.0.1:9/none' });
		let call = await sim.waitForCall(await placeCall('15551230000'));
		expect(entriesOf(call, 'event')[0].error).toMatch(/webhook_error/);
		sim.configure({ webhookUrl: null });
		call = await sim.waitForCall(await placeCall('15551230000'));
		expect(entriesOf(call, 'event')[0].error).toBe('no_webhook_url');
		expect(call.state).toBe('completed');
	});
});

test('outbound: dial after speak_completed bridges a leg → call_leg_completed (demo behaviour)', async () => {
	sim.configure({ callees: { 15552220000: { talkMs: 20 } } });
	script = {
		dial_completed: speak('transferring'),
		speak_completed: { method: 'dial', params: { to: '15552220000', caller_id_number: OWNED } },
		call_leg_completed: hangup,
	};
	const call = await sim.waitForCall(await placeCall('15551230000'));
	expect(call.events).toEqual([
		'dial_completed',
		'speak_completed',
		'call_leg_completed',
		'call_completed',
	]);
	expect(call.states).toContain('bridged');
	expect(recv.events()[2].data).toEqual({ to: '15552220000', from: OWNED, status: 'hangup' });
	expect(call.legs[0]).toMatchObject({ to: '15552220000', status: 'hangup' });
});

test('event signing options: none, forged key; postEvent helper', async () => {
	script = { dial_completed: hangup };
	sim.configure({ eventSigning: 'none' });
	await sim.waitForCall(await placeCall('15551230000'));
	expect(recv.received[0].headers.authorization).toBeUndefined();
	expect(recv.received[0].headers['x-ts-authorization']).toBeUndefined();
	const forgedKey = Buffer.from('attacker').toString('base64');
	sim.configure({ eventSigning: { apiKey: forgedKey } });
	await sim.waitForCall(await placeCall('15551230000'));
	const forged = recv.received[2];
	expect(verifyEventSignature(ACCT.apiKey, forged.rawBody, forged.headers.authorization)).toBe(
		false,
	);
	expect(
		verifyEventSignature(forgedKey, forged.rawBody, forged.headers['x-ts-authorization']),
	).toBe(true);

	const raw = '{"event":"call_completed","reference_id":"X","data":{}}';
	const r1 = await postEvent(recv.url, raw, { apiKey: ACCT.apiKey, customerId: ACCT.customerId });
	expect(r1.status).toBe(200);
	const got = recv.received[recv.received.length - 1];
	expect(got.rawBody).toBe(raw);
	expect(got.headers['x-ts-authorization']).toBe(signEventBody(ACCT.apiKey, raw));
	await postEvent(recv.url, raw, {
		headers: { Authorization: 'TSA CUST-0001:AAAA', 'X-TS-Authorization': 'AAAA' },
	});
	expect(recv.received[recv.received.length - 1].headers['x-ts-authorization']).toBe('AAAA');
});

test('maxEventsPerCall bounds an endless speak loop', async () => {
	sim.configure({ maxEventsPerCall: 5 });
	script = { dial_completed: speak('again'), speak_completed: speak('again') };
	const call = await sim.waitForCall(await placeCall('15551230000'));
	expect(call.status).toBe('max_events_exceeded');
	expect(call.events.length).toBeLessThanOrEqual(6);
});

test('record: true → recording file name in call_completed and in the recordings list', async () => {
	script = { dial_completed: hangup };
	const ref = await placeCall('15551110007');
	await sim.waitForCall(ref);
	const cdr = recv.events()[1];
	expect(cdr.data.audio_recording_file_name).toMatch(new RegExp(`^${ref}_\\d+\\.wav$`));
	expect(sim.recordings().map((r) => r.reference_id)).toEqual([ref]);
});

test('waitForCall with a predicate and intermediate state; waitForCalls', async () => {
	script = { dial_completed: hangup };
	const p = sim.waitForCall((c) => c.external_id === 'find-me', { state: 'answered' });
	await placeCall('15551230000', { external_id: 'other' });
	await placeCall('15551230000', { external_id: 'find-me' });
	const c = await p;
	expect(c.external_id).toBe('find-me');
	const all = await sim.waitForCalls(2);
	expect(all).toHaveLength(2);
	await expect(sim.waitForCall('NOPE', { timeoutMs: 50 })).rejects.toThrow(/timed out/);
});

test('the call log via HTTP matches sim.call()', async () => {
	script = { dial_completed: hangup };
	const ref = await placeCall('15551230000');
	await sim.waitForCall(ref);
	const r = await apiRequest(base, { method: 'GET', path: `/_sim/calls/${ref}` });
	expect(r.json).toEqual(sim.call(ref));
});
