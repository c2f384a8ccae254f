'use strict';
/**
 * Reliability and security suite, part 2 (see harness/reliability/suite.js for the six parts and the report):
 * forged and malformed events to the trigger (signature / Basic / Digest): all rejected, zero executions.
 */
const crypto = require('crypto');
const axios = require('axios');

const {
	reliabilitySuite,
	executionIds,
	waitForNewExecutions,
	WEBHOOK_USER,
} = require('../harness/reliability');
const { postEvent } = require('../../simulator');
const { signatureCases, basicCases, digestCases } = require('./forged.cases');

const suite = reliabilitySuite('forged');
const { board } = suite;

/** POSTs raw bytes (postEvent signs when given apiKey); the answer is kept for the secrets scan. */
async function post(url, body, opts = {}) {
	const res = await postEvent(url, body, { timeoutMs: 30_000, ...opts });
	suite.scanner.add('HTTP responses of the triggers', res.body);
	return res;
}

async function request(method, url, body, headers = {}) {
	const res = await axios.request({
		method,
		url,
		data: body,
		headers,
		validateStatus: () => true,
		timeout: 30_000,
		transformResponse: (d) => d,
	});
	suite.scanner.add('HTTP responses of the triggers', res.data);
	return { status: res.status, headers: res.headers, body: res.data };
}

/**
 * Sends every forged request of a trigger, then checks: each one rejected (expected status, no action in the
 * answer), zero executions started, and a genuine event afterwards is answered and runs exactly once.
 */
async function scoreTrigger(flow, { forged, genuine }) {
	const { n8n } = suite;
	const before = await executionIds(n8n, flow.id);
	for (const f of forged) {
		await suite.check(`${flow.label}: ${f.name} → rejected`, async () => {
			const res = await f.send();
			if (!f.status.includes(res.status))
				throw new Error(
					`HTTP ${res.status} (expected ${f.status.join(' or ')}): ${String(res.body).slice(0, 200)}`,
				);
			expect(String(res.body)).not.toMatch(/"method"|speak|Verified/);
			f.also?.(res);
			return `HTTP ${res.status} ${String(res.body).replace(/\s+/g, ' ').slice(0, 90)}`;
		});
	}
	await suite.check(
		`${flow.label}: zero executions started by the ${forged.length} rejected requests`,
		async () => {
			const fresh = (await n8n.executions(flow.id, { includeData: false })).filter(
				(e) => !before.has(e.id),
			);
			expect(fresh).toEqual([]);
		},
	);
	await suite.check(
		`${flow.label}: a genuine event afterwards is answered (200, its action) and runs exactly once`,
		async () => {
			const ref = `GENUINE-${flow.label.replace(/\W+/g, '')}-${crypto.randomBytes(4).toString('hex')}`;
			const res = await genuine(ref);
			expect(res.status).toBe(200);
			expect(JSON.parse(res.body)).toEqual({
				jsonrpc: '2.0',
				method: 'speak',
				params: { tts: { message: `Verified ${ref}`, language: 'en-US' } },
			});
			const { finished, all } = await waitForNewExecutions(n8n, flow.id, before, 1, {
				timeoutMs: 30_000,
			});
			expect(all).toHaveLength(1);
			expect(finished[0].status).toBe('success');
		},
	);
}

test('2) forged and malformed events to the trigger: all rejected, zero executions, valid events still served', async () => {
	await suite.timed(async () => {
		const senders = { post, request, secrets: suite.secrets, webhookUser: WEBHOOK_USER };
		const signed = await suite.deployTrigger('Signature', 'telesignSignature');
		await scoreTrigger(signed, signatureCases({ ...senders, url: signed.url }));
		const basic = await suite.deployTrigger('Basic', 'basicAuth');
		await scoreTrigger(basic, basicCases({ ...senders, url: basic.url }));
		const digest = await suite.deployTrigger('Digest', 'digestAuth');
		suite.notes.push(
			'Not covered by design: Telesign signs only the body (no timestamp or nonce), so a captured genuine event can be replayed as is; and Digest nonces are stateless, reusable within their 5-minute lifetime. Both need an attacker who can read the HTTPS traffic.',
		);
		suite.notes.push(
			'Digest replay past the nonce lifetime: the suite mints a nonce stamped 10 minutes ago exactly as the trigger does (HMAC of a secret derived from the webhook password and the webhook id, see harness/digest.js) — what replaying an old challenge looks like — and expects 401 with stale=true; the node itself is unchanged.',
		);
		await scoreTrigger(
			digest,
			digestCases({ ...senders, url: digest.url, webhookId: digest.trigger.webhookId }),
		);
	});
	board.figures['Forged/malformed requests tried (category 2)'] = board.cases.filter(
		(c) => c.category === 'forged' && / → rejected$/.test(c.name),
	).length;
	expect(board.failures('forged')).toEqual([]);
}, 300_000);
