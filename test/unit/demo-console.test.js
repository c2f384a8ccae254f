'use strict';
/** What `npm start` prints: the banner and the per-event lines (scripts/demo-console.js). */
const { demoBanner, answeredAction, eventLine } = require('../../scripts/demo-console');
const { DEFAULT_ACCOUNT } = require('../simulator');
const { DEMO_NUMBERS } = require('../e2e/harness/examples');

const banner = () =>
	demoBanner({
		n8nUrl: 'http://127.0.0.1:5678',
		owner: { email: 'owner@example.com', password: 'demo-password' },
		simulatorUrl: 'http://127.0.0.1:8089',
		account: DEFAULT_ACCOUNT,
		credentialName: 'Telesign Voice (local simulator)',
		workflowNames: [
			'Telesign Voice: alert call (Call and Wait)',
			'Telesign Voice: inbound IVR menu',
		],
		alertUrl: 'http://127.0.0.1:5678/webhook/telesign-alert',
		dialAlertUrl: 'http://127.0.0.1:5678/webhook/telesign-alert-dial',
		escalationUrl: 'http://127.0.0.1:5678/webhook/telesign-oncall',
		callLogWebhookUrl: 'http://127.0.0.1:5678/webhook/abc/telesign-voice',
		numbers: DEMO_NUMBERS,
		n8nLog: '/tmp/demo/n8n.log',
	});

describe('demo banner', () => {
	it("prints the simulator's test account (Customer ID and API key), as the README tells users to use them", () => {
		const text = banner();
		expect(text).toContain(`Customer ID: ${DEFAULT_ACCOUNT.customerId}`);
		expect(text).toContain(`API key:     ${DEFAULT_ACCOUNT.apiKey}`);
		expect(text).toMatch(/local test account, not a secret/);
		expect(text).toContain('Base URL http://127.0.0.1:8089');
	});

	it('says where n8n runs (on localhost), how to log in, and what to try', () => {
		const text = banner();
		expect(text).toContain(
			'n8n:        http://localhost:5678   (log in: owner@example.com / demo-password)',
		);
		expect(text).toContain(`curl -s -X POST http://localhost:5678/webhook/telesign-alert `);
		expect(text).toContain(
			`"to":"${DEMO_NUMBERS.presses1}","message":"Disk space on db-1 is below 5 percent."`,
		);
		expect(text).toContain(`curl -s -X POST http://localhost:5678/webhook/telesign-alert-dial `);
		expect(text).toContain(`"numbers":["${DEMO_NUMBERS.answers}"]`);
		expect(text).toContain('curl -s -X POST http://localhost:5678/webhook/telesign-oncall');
		expect(text).toContain(`"oncall":["${DEMO_NUMBERS.presses9}","${DEMO_NUMBERS.presses1}"]`);
		expect(text).toContain(
			'Answered 202 at once (the execution then waits for the calls); a missing message or a bad number: 400 with what to fix.',
		);
		expect(text).toContain(`"from":"${DEMO_NUMBERS.presses1}","to":"${DEMO_NUMBERS.callerId}"`);
		expect(text).toContain(
			'"Telesign Voice: alert call (Call and Wait)", "Telesign Voice: inbound IVR menu"',
		);
	});

	it('shows the simplest example first: the Call and Wait alert, then the escalation, then the advanced Dial alert', () => {
		const text = banner();
		const order = [
			'Alert call with Call and Wait',
			'On-call escalation with Call and Wait',
			'Advanced: an alert call driven with Dial',
		].map((title) => text.indexOf(title));
		expect(order.every((at) => at >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it("announces once that n8n's log shows expected probe 404s and not-HTTPS warnings", () => {
		const text = banner();
		expect(text).toContain("n8n's log: /tmp/demo/n8n.log");
		expect(text.match(/404s/g)).toHaveLength(1);
		expect(text.match(/not HTTPS/g)).toHaveLength(1);
	});
});

describe('demo event lines', () => {
	const event = {
		reference_id: 'BC96D7B0D1800164898350B4E71B005C',
		event: 'dial_completed',
		body: { data: { status: 'answered' } },
		webhookStatus: 200,
	};

	it('show the action the workflow answered, from the body as the simulator stores it (text)', () => {
		const body = JSON.stringify({
			jsonrpc: '2.0',
			method: 'speak',
			params: { tts: { message: 'hi' } },
		});
		expect(eventLine(event, body)).toBe(
			'  [simulator] 1B005C dial_completed (answered): webhook 200 → speak',
		);
	});

	it.each([
		['an already parsed object', { method: 'hangup', params: {} }, 'hangup'],
		['an empty JSON object (no action)', '{}', undefined],
		['text that is not JSON', 'Workflow was started', undefined],
		['no answer body', null, undefined],
		['a method that is not text', '{"method": 3}', undefined],
	])('answeredAction of %s', (_name, body, expected) => {
		expect(answeredAction(body)).toBe(expected);
	});

	it('a failed webhook shows the error and no action', () => {
		expect(
			eventLine(
				{
					...event,
					event: 'call_completed',
					body: {},
					webhookStatus: null,
					error: 'webhook_timeout',
				},
				undefined,
			),
		).toBe('  [simulator] 1B005C call_completed: webhook webhook_timeout');
	});
});
