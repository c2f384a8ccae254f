'use strict';
const { TelesignSimulator, verifyEventSignature } = require('./index');
const { apiRequest, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'CUST-IN', apiKey: Buffer.from('inbound-key').toString('base64') };
const MAIN = '15550002222'; // our Telesign number
const SALES = '15557770000';
const menu = {
	jsonrpc: '2.0',
	method: 'speak',
	params: {
		tts: { message: 'Press 1 for sales, 2 for opening hours', language: 'en-US' },
		collect_digits: { max: 1 },
	},
};

/** The IVR under test: 1 → bridge to sales, 2 → play hours, anything else → hang up. */
function ivr(ev) {
	switch (ev.event) {
		case 'incoming_call':
			return menu;
		case 'speak_completed':
			if (ev.data.collected_digits === '1')
				return {
					jsonrpc: '2.0',
					method: 'dial',
					params: { to: SALES, caller_id_number: ev._from || MAIN },
				};
			if (ev.data.collected_digits === '2')
				return { jsonrpc: '2.0', method: 'play', params: { url: 'https://example.com/hours.wav' } };
			return { jsonrpc: '2.0', method: 'hangup', params: {} };
		case 'play_completed':
		case 'call_leg_completed':
			return { jsonrpc: '2.0', method: 'hangup', params: {} };
		default:
			return {};
	}
}

let sim;
let recv;
beforeEach(async () => {
	recv = await startReceiver(ivr);
	sim = new TelesignSimulator({
		accounts: [ACCT],
		ownedNumbers: [MAIN],
		webhookUrl: recv.url,
		callees: {
			15553330001: { digits: ['1'] },
			15553330002: { digits: ['2'] },
			15553330003: { digits: ['9'] },
			[SALES]: { talkMs: 30 },
		},
	});
	await sim.start();
});
afterEach(async () => {
	await sim.stop();
	await recv.close();
});
const evNames = (ref) =>
	recv
		.events()
		.filter((e) => e.reference_id === ref)
		.map((e) => e.event);

test('incoming_call → speak+collect → "1" → dial bridge → call_leg_completed → hangup', async () => {
	const ref = sim.startInboundCall({ from: '15553330001', to: MAIN });
	const call = await sim.waitForCall(ref);
	expect(evNames(ref)).toEqual([
		'incoming_call',
		'speak_completed',
		'call_leg_completed',
		'call_completed',
	]);
	const evs = recv.events();
	expect(evs[0]).toEqual({
		event: 'incoming_call',
		reference_id: ref,
		data: { to: MAIN, from: '15553330001' },
	});
	expect(evs[1].data).toEqual({ status: 'speak_successful', collected_digits: '1' });
	expect(evs[2].data).toEqual({ to: SALES, from: MAIN, status: 'hangup' });
	expect(evs[3].data).toMatchObject({
		direction: 'inbound',
		status: 'hangup',
		to: MAIN,
		from: '15553330001',
	});
	expect(call.states).toEqual(['ringing', 'answered', 'bridged', 'ended', 'completed']);
	expect(call.legs).toEqual([expect.objectContaining({ to: SALES, from: MAIN, status: 'hangup' })]);
	for (const r of recv.received)
		expect(verifyEventSignature(ACCT.apiKey, r.rawBody, r.headers['x-ts-authorization'])).toBe(
			true,
		);
});

test('"2" → play → play_completed → hangup', async () => {
	const ref = sim.startInboundCall({ from: '15553330002', to: MAIN });
	await sim.waitForCall(ref);
	expect(evNames(ref)).toEqual([
		'incoming_call',
		'speak_completed',
		'play_completed',
		'call_completed',
	]);
	expect(recv.events()[2].data).toEqual({ status: 'play_successful' });
});

test('other digit → hangup', async () => {
	const ref = sim.startInboundCall({ from: '15553330003', to: MAIN });
	const call = await sim.waitForCall(ref);
	expect(evNames(ref)).toEqual(['incoming_call', 'speak_completed', 'call_completed']);
	expect(call.status).toBe('hangup');
});

test('POST /_sim/inbound with digits override; caller presses nothing → ""', async () => {
	const r = await apiRequest(sim.url, {
		path: '/_sim/inbound',
		body: { from: '15553330003', to: MAIN, digits: ['2'] },
	});
	expect(r.status).toBe(201);
	await sim.waitForCall(r.json.reference_id);
	expect(evNames(r.json.reference_id)).toEqual([
		'incoming_call',
		'speak_completed',
		'play_completed',
		'call_completed',
	]);
	const ref2 = sim.startInboundCall({ from: '15559999999', to: MAIN });
	await sim.waitForCall(ref2);
	const sc = recv.events().find((e) => e.reference_id === ref2 && e.event === 'speak_completed');
	expect(sc.data.collected_digits).toBe('');
});

test("bridging with the caller's number as caller ID is allowed; an unowned caller ID is not", async () => {
	await recv.close();
	recv = await startReceiver((ev) =>
		ev.event === 'incoming_call'
			? { method: 'dial', params: { to: SALES, caller_id_number: ev.data.from } }
			: ev.event === 'call_leg_completed'
				? { method: 'hangup', params: {} }
				: {},
	);
	sim.configure({ webhookUrl: recv.url });
	let call = await sim.waitForCall(sim.startInboundCall({ from: '15553330001', to: MAIN }));
	expect(call.events).toEqual(['incoming_call', 'call_leg_completed', 'call_completed']);
	await recv.close();
	recv = await startReceiver((ev) =>
		ev.event === 'incoming_call'
			? { method: 'dial', params: { to: SALES, caller_id_number: '15551231234' } }
			: {},
	);
	sim.configure({ webhookUrl: recv.url });
	call = await sim.waitForCall(sim.startInboundCall({ from: '15553330001', to: MAIN }));
	expect(call.entries.find((e) => e.type === 'error')).toMatchObject({
		code: 'caller_id_number_not_owned',
	});
	expect(call.status).toBe('caller_id_number_not_owned');
});

test('bridged leg busy → call_leg_completed with busy; caller hangs up while bridged → no call_leg_completed', async () => {
	sim.configure({ callees: { [SALES]: { answer: 'busy' } } });
	const ref = sim.startInboundCall({ from: '15553330001', to: MAIN });
	await sim.waitForCall(ref);
	const leg = recv.events().find((e) => e.reference_id === ref && e.event === 'call_leg_completed');
	expect(leg.data).toEqual({ to: SALES, from: MAIN, status: 'busy' });

	sim.configure({
		callees: { [SALES]: { answer: 'answered' }, 15553330001: { hangupDuring: 'bridge' } },
	});
	const ref2 = sim.startInboundCall({ from: '15553330001', to: MAIN });
	const c2 = await sim.waitForCall(ref2);
	expect(c2.events).toEqual(['incoming_call', 'speak_completed', 'call_completed']);
});

test('hangup in answer to incoming_call → call_completed never answered; illegal send_dtmf → unsupported_call_state', async () => {
	await recv.close();
	recv = await startReceiver((ev) =>
		ev.event === 'incoming_call' ? { method: 'hangup', params: {} } : {},
	);
	sim.configure({ webhookUrl: recv.url });
	let call = await sim.waitForCall(sim.startInboundCall({ from: '15553330001', to: MAIN }));
	expect(call.events).toEqual(['incoming_call', 'call_completed']);
	expect(recv.events()[1].data).toMatchObject({
		answered_on_utc: null,
		duration: 0,
		direction: 'inbound',
	});
	await recv.close();
	recv = await startReceiver((ev) =>
		ev.event === 'incoming_call' ? { method: 'send_dtmf', params: {} } : {},
	);
	sim.configure({ webhookUrl: recv.url });
	call = await sim.waitForCall(sim.startInboundCall({ from: '15553330001', to: MAIN }));
	expect(call.status).toBe('unsupported_call_state');
});

test('inbound to a number we do not own / invalid numbers → error', async () => {
	expect(() => sim.startInboundCall({ from: '15553330001', to: '15550009999' })).toThrow(
		/not one of the owned/,
	);
	expect(() => sim.startInboundCall({ from: '+1555', to: MAIN })).toThrow(/invalid/);
	const r = await apiRequest(sim.url, { path: '/_sim/inbound', body: { from: '1', to: MAIN } });
	expect(r.status).toBe(400);
	expect(r.json.code).toBe('invalid_phone_number');
});

test('inboundWebhookUrl routes inbound calls to their own URL; outbound calls keep webhookUrl', async () => {
	const ivrRecv = await startReceiver(ivr);
	try {
		sim.configure({ inboundWebhookUrl: ivrRecv.url });
		const ref = sim.startInboundCall({ from: '15553330003', to: MAIN });
		await sim.waitForCall(ref);
		expect(ivrRecv.events().map((e) => e.event)).toEqual([
			'incoming_call',
			'speak_completed',
			'call_completed',
		]);
		expect(recv.events()).toHaveLength(0);
		expect(sim.publicConfig().inboundWebhookUrl).toBe(ivrRecv.url);
	} finally {
		await ivrRecv.close();
	}
});
