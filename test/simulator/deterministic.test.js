'use strict';
const { TelesignSimulator } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'CUST-DET', apiKey: Buffer.from('det-key').toString('base64') };

/** One scripted session: an outbound flow A, a busy call and an inbound IVR call, run sequentially. */
async function runOnce(options) {
	const recv = await startReceiver((ev) => {
		if (ev.event === 'dial_completed')
			return {
				jsonrpc: '2.0',
				method: 'speak',
				params: { tts: { message: 'hello' }, collect_digits: { max: 1 } },
			};
		if (ev.event === 'incoming_call')
			return {
				jsonrpc: '2.0',
				method: 'speak',
				params: { tts: { message: 'menu' }, collect_digits: { max: 1 } },
			};
		if (ev.event === 'speak_completed') return { jsonrpc: '2.0', method: 'hangup', params: {} };
		return {};
	});
	const sim = new TelesignSimulator({
		accounts: [ACCT],
		ownedNumbers: ['15550004444'],
		webhookUrl: recv.url,
		callees: {
			15551112222: { digits: ['7'], record: true },
			15551113333: { answer: 'busy' },
			15559998888: { digits: ['3'] },
		},
		...options,
	});
	const { url } = await sim.start();
	try {
		const a = await apiRequest(url, {
			body: dialBody('15551112222', '15550004444', { external_id: 'a' }),
			auth: 'basic',
			account: ACCT,
		});
		await sim.waitForCall(a.json.reference_id);
		const b = await apiRequest(url, {
			body: dialBody('15551113333', '15550004444'),
			auth: 'tsa',
			account: ACCT,
		});
		await sim.waitForCall(b.json.reference_id);
		await sim.waitForCall(sim.startInboundCall({ from: '15559998888', to: '15550004444' }));
		return {
			calls: sim
				.calls()
				.map((c) => ({ ...c, entries: c.entries.map((e) => ({ ...e, webhookUrl: undefined })) })),
			requests: sim.requests(),
			received: recv.received.map((r) => ({
				body: r.rawBody,
				sig: r.headers['x-ts-authorization'],
			})),
			recordings: sim.recordings(),
		};
	} finally {
		await sim.stop();
		await recv.close();
	}
}

test('deterministic mode: two runs give identical logs, ids and timestamps', async () => {
	const one = await runOnce({ deterministic: true });
	const two = await runOnce({ deterministic: true });
	expect(two).toEqual(one);
	expect(one.calls.map((c) => c.reference_id)).toEqual([
		'00000000000000000000000000000001',
		'00000000000000000000000000000002',
		'00000000000000000000000000000003',
	]);
	expect(one.calls[0].created_on_utc).toBe('2024-01-01T00:00:01.000');
	expect(one.calls[0].duration).toBeGreaterThan(0);
	expect(one.calls[1].created_on_utc).toBe('2024-01-01T01:00:01.000');
});

test('seed and clock options; reset() restarts counters', async () => {
	const sim = new TelesignSimulator({
		seed: 0xabc,
		clockStart: '2030-05-01T12:00:00Z',
		clockStepMs: 250,
		webhookUrl: null,
		ownedNumbers: ['15550004444'],
	});
	await sim.start();
	try {
		const ref = sim.startInboundCall({ from: '15551112222', to: '15550004444' });
		expect(ref).toBe('00000ABC000000000000000000000001');
		const c = await sim.waitForCall(ref);
		expect(c.created_on_utc).toBe('2030-05-01T12:00:00.250');
		sim.reset();
		expect(sim.calls()).toEqual([]);
		expect(sim.startInboundCall({ from: '15551112222', to: '15550004444' })).toBe(ref);
	} finally {
		await sim.stop();
	}
});

test('non-deterministic mode: random 32-hex ids', async () => {
	const sim = new TelesignSimulator({ ownedNumbers: ['15550004444'] });
	const a = sim.startInboundCall({ from: '15551112222', to: '15550004444' });
	const b = sim.startInboundCall({ from: '15551112222', to: '15550004444' });
	expect(a).toMatch(/^[0-9A-F]{32}$/);
	expect(a).not.toBe(b);
	await sim.waitForCalls(2);
	await sim.stop();
});
