'use strict';
/**
 * Category 6 (6-callAndWait.e2e.test.js), on an n8n of its own (port E2E_N8N_PORT + 4): the relay from the
 * trigger to the waiting execution fails, and n8n restarts mid-call. That n8n's WEBHOOK_URL is a proxy in front
 * of it, so the trigger's relay (to the resume URL derived from its own production URL) goes through the proxy,
 * which can refuse, reset, hang, lose the waiting node's answer, answer 500 or answer something not signed;
 * Telesign's requests (the test's) go to n8n directly. The trigger must answer Telesign a legal action (hangup),
 * log why, and lose nothing: the waiting execution goes on when Telesign posts the event again.
 */
const http = require('http');

const { REPO_ROOT, buildAndPack } = require('../harness/install');
const { N8nServer } = require('../harness/n8n');
const c = require('./callAndWait.cases');

/** The trigger's own bound for the relay, from the package the suite built (shared/relay/send.ts). */
const { RELAY_TIMEOUT_MS } = require(`${REPO_ROOT}/dist/nodes/shared/relay`);

/** A proxy to `target` whose `mode` decides what the relay meets. */
async function relayProxy(target) {
	const proxy = { mode: 'forward', held: new Set() };
	const hold = (res) => proxy.held.add(res);
	const answer = (res, status, body) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(body);
	};
	proxy.server = http.createServer((req, res) => {
		const mode = proxy.mode;
		if (mode === 'reset') return req.socket.destroy();
		if (mode === 'hang') return hold(res);
		if (mode === 'error500') return answer(res, 500, '{"message":"proxy: internal error"}');
		if (mode === 'unsigned')
			return answer(
				res,
				200,
				JSON.stringify({
					action: {
						jsonrpc: '2.0',
						method: 'dial',
						params: { to: '15559990000', caller_id_number: c.CALLER_ID },
					},
				}),
			);
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const up = http.request(
				`${target}${req.url}`,
				{ method: req.method, headers: req.headers },
				(upRes) => {
					const body = [];
					upRes.on('data', (chunk) => body.push(chunk));
					upRes.on('end', () => {
						if (mode === 'answerLost') return hold(res);
						let bytes = Buffer.concat(body);
						if (mode === 'tampered')
							bytes = Buffer.from(bytes.toString('utf8').replace('Press 1', 'Press 2'));
						const headers = { ...upRes.headers };
						delete headers['content-length'];
						delete headers['transfer-encoding'];
						res.writeHead(upRes.statusCode, { ...headers, 'content-length': bytes.length });
						res.end(bytes);
					});
				},
			);
			up.on('error', () => res.destroy());
			up.end(Buffer.concat(chunks));
		});
	});
	await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
	proxy.port = proxy.server.address().port;
	proxy.url = `http://127.0.0.1:${proxy.port}`;
	proxy.release = () => {
		for (const res of proxy.held) res.destroy();
		proxy.held.clear();
	};
	proxy.close = async () => {
		proxy.release();
		proxy.server.closeAllConnections();
		await new Promise((resolve) => proxy.server.close(resolve));
	};
	proxy.reopen = () =>
		new Promise((resolve) => proxy.server.listen(proxy.port, '127.0.0.1', resolve));
	return proxy;
}

/** The relay's faults, one call each: [label, mode, the reason the trigger logs, slow (the relay's timeout)]. */
const FAULTS = [
	[
		'the relay target is unreachable (connection refused)',
		'closed',
		/relay failed: .*ECONNREFUSED/,
		false,
	],
	[
		'the connection is reset before the waiting node sees the event',
		'reset',
		/relay failed: .*(socket hang up|ECONNRESET)/i,
		false,
	],
	[
		'the relay hangs (no answer within the relay timeout)',
		'hang',
		/relay failed: .*timeout/i,
		true,
	],
	[
		'the waiting node answered, but its answer was lost on the way (relay timeout)',
		'answerLost',
		/relay failed: .*timeout/i,
		true,
	],
	['the waiting URL answers HTTP 500', 'error500', /waiting execution answered HTTP 500/, false],
	[
		'the answer is an action not signed by the waiting node',
		'unsigned',
		/answer not signed by the waiting node \(missing\)/,
		false,
	],
	[
		"the waiting node's signed answer was changed on the way",
		'tampered',
		/answer not signed by the waiting node \(bad_signature\)/,
		false,
	],
];

async function faultCalls(h, at, proxy) {
	const wf = await at.deployCalls('relay faults');
	const { executionId, dials } = await at.startCalls(
		wf,
		FAULTS.map(() => h.suite.freshNumber()),
	);
	const seen = [];
	for (const [i, [, mode, reason]] of FAULTS.entries()) {
		const d = dials[i];
		const logOffset = h.logSize(at.n8n.logPath);
		if (mode === 'closed') await proxy.close();
		else proxy.mode = mode;
		const first = await at.send(d, c.events.dial(d));
		if (mode === 'closed') await proxy.reopen();
		proxy.mode = 'forward';
		proxy.release();
		await h.delay(200); // the trigger's log line is written after its answer
		const logged = h.logLinesSince(
			at.n8n.logPath,
			logOffset,
			/event of a Call and Wait call not relayed/,
		);
		const waitingAfterFault = await at.status(wf, executionId);
		// Telesign posts the event again (it got no usable answer): the call goes on.
		const retry = await at.send(d, c.events.dial(d));
		const rest = [await at.send(d, c.events.speak('1')), await at.send(d, c.events.completed(d))];
		seen.push({ first, logged, reason, waitingAfterFault, retry, rest });
	}
	const execution = await at.finished(wf, executionId);
	for (const [i, [label, , , slow]] of FAULTS.entries()) {
		const { first, logged, reason, waitingAfterFault, retry, rest } = seen[i];
		await h.suite.check(
			`relay fault: ${label} → Telesign gets hangup, the reason is logged, the execution keeps waiting; the event posted again goes on, recorded once`,
			() => {
				expect([first.status, first.answer]).toEqual([200, c.answers.hangup()]);
				// The hanging relay was given up only at the relay's bound, not earlier (a lower bound: a slow machine
				// cannot make it fail). How fast the other faults are answered is a figure, not an assertion.
				if (slow) expect(first.ms).toBeGreaterThanOrEqual(RELAY_TIMEOUT_MS - 500);
				expect(logged.some((line) => reason.test(line))).toBe(true);
				expect(waitingAfterFault).toBe('waiting');
				expect([retry.status, retry.answer]).toEqual([200, c.answers.prompt(dials[i].to)]);
				expect(rest.map((r) => [r.status, r.answer])).toEqual([
					[200, c.answers.hangup()],
					[200, c.answers.none()],
				]);
				expect(execution.status).toBe('success');
				const items = h.outcomesOf(execution);
				expect(items).toHaveLength(FAULTS.length);
				h.expectOutcome(
					items[i],
					i,
					dials[i],
					c.acknowledged([c.step.dial, c.step.speak('1', 'hangup'), c.step.completed]),
				);
				return `answered in ${first.ms} ms; logged: ${logged
					.find((line) => reason.test(line))
					.replace(/^.*not relayed: /, '')
					.slice(0, 110)}`;
			},
		);
	}
}

/** n8n restarted between two events of a call (after the prompt, before the key press). */
async function restartMidCall(h, at, own) {
	const wf = await at.deployCalls('restart');
	const { executionId, dials } = await at.startCalls(wf, [h.suite.freshNumber()]);
	const [d] = dials;
	const before = await at.send(d, c.events.dial(d));
	const pid = own.child.pid;
	await own.stop();
	await own.start();
	await own.waitForWebhook(at.trigger.url);
	const after = [await at.send(d, c.events.speak('1')), await at.send(d, c.events.completed(d))];
	const execution = await at.finished(wf, executionId, 90_000);
	await h.suite.check(
		"n8n restarted mid-call (after the prompt, before the key press) → the key press counts, one outcome, events after the restart recorded once (the ones before are lost with the process's memory: documented)",
		async () => {
			expect(own.child.pid).not.toBe(pid);
			expect([before.status, before.answer]).toEqual([200, c.answers.prompt(d.to)]);
			expect(after.map((r) => [r.status, r.answer])).toEqual([
				[200, c.answers.hangup()],
				[200, c.answers.none()],
			]);
			expect(execution.status).toBe('success');
			expect(h.outcomesOf(execution)).toHaveLength(1);
			h.expectOutcome(
				h.outcomesOf(execution)[0],
				0,
				d,
				c.acknowledged([c.step.speak('1', 'hangup'), c.step.completed]),
			);
			expect((await own.executions(wf.id, { includeData: false })).map((e) => e.status)).toEqual([
				'success',
			]);
		},
	);
}

/** `h`: what the test file shares (its suite, place(), until, delay, outcomesOf, expectOutcome, log readers). */
async function relayFaults(h) {
	const port = Number(process.env.E2E_N8N_PORT || 5688) + 4;
	const proxy = await relayProxy(`http://127.0.0.1:${port}`);
	const own = new N8nServer({
		port,
		tarball: buildAndPack({ skipBuild: true }),
		env: { WEBHOOK_URL: `${proxy.url}/` },
	});
	try {
		await own.start();
		const { account } = h.suite.secrets;
		const credential = await own.createCredential(
			'Reliability Telesign (relay faults)',
			'telesignVoiceApi',
			{ ...account, authMethod: 'basic', baseUrl: h.suite.sim.url },
		);
		const at = h.place(own, h.suite.sim, credential);
		await at.deployTrigger('Reliability: Call and Wait relay (own n8n)');
		await faultCalls(h, at, proxy);
		await restartMidCall(h, at, own);
	} finally {
		await own.stop();
		await proxy.close().catch(() => undefined);
	}
}

module.exports = { relayFaults };
