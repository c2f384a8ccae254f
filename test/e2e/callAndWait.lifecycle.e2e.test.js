'use strict';
/**
 * Call and Wait (see callAndWait.e2e.test.js): what else can happen to a waiting execution — a forged request to
 * its resume URL, an event after it ended, it is stopped, Telesign never reports back, n8n restarts.
 */
const axios = require('axios');
const {
	callAndWaitSuite,
	createTelesignCredential,
	deployRelayTrigger,
	actionsOf,
	outputOf,
	delay,
} = require('./harness/callAndWait');
const { DEMO_NUMBERS } = require('./harness/examples');
const { REPO_ROOT, buildAndPack } = require('./harness/install');
const { N8nServer } = require('./harness/n8n');
const { TelesignSimulator, DEFAULT_ACCOUNT, postEvent } = require('../simulator');

// The package's own marker reader and relay signer (built by the harness): the forgeries below are made with it.
const relay = require(`${REPO_ROOT}/dist/nodes/shared/relay`);

const cw = callAndWaitSuite();

function resumeUrlOf(externalId) {
	const marker = relay.parseMarker(externalId);
	return {
		marker,
		url: `${cw.n8n.baseUrl}/webhook-waiting/${marker.executionId}/${marker.nodeId}?signature=${marker.signature}`,
	};
}

async function waitForDial(timeoutMs = 10_000) {
	const started = Date.now();
	while (cw.sim.dialsPlaced().length === 0) {
		if (Date.now() - started > timeoutMs) throw new Error('no dial');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return cw.sim.dialsPlaced()[0];
}

/**
 * How many runs the trigger has once its call log (Events: call_completed) has seen this call: that run starts
 * with the relayed call_completed and may be saved after the Call and Wait execution it resumed.
 */
async function triggerRunsOnceCallLogged(referenceId, timeoutMs = 15_000) {
	const started = Date.now();
	for (;;) {
		const runs = await cw.n8n.executions(cw.trigger.id);
		if (runs.some((run) => JSON.stringify(run).includes(referenceId))) return runs.length;
		if (Date.now() - started > timeoutMs)
			throw new Error(`the trigger's call log never ran for ${referenceId}`);
		await delay(200);
	}
}

test('a request to the resume URL that did not pass the trigger never steers the call', async () => {
	const wf = await cw.deploy(`cw forged ${Date.now()}`, {});
	cw.sim.configure({ ringMs: 3000 });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses9, message: 'Press 1.' });
	const dial = await waitForDial();
	// n8n saves the execution as waiting just after the node returns (until then its resume URL answers 409).
	await until('execution never waited', async () =>
		(await cw.n8n.executions(wf.id, { includeData: false })).some((e) => e.status === 'waiting'),
	);
	const { url } = resumeUrlOf(dial.external_id);
	const forged = (event, data) =>
		Buffer.from(
			JSON.stringify({
				event,
				reference_id: dial.reference_id,
				external_id: dial.external_id,
				data,
			}),
		);
	const completed = forged('call_completed', {
		status: 'hangup',
		duration: 1,
		answered_on_utc: '2026-01-01T00:00:00.000',
	});
	const pressed = forged('speak_completed', { status: 'speak_successful', collected_digits: '1' });
	const otherKey = relay.deriveRelayKey(
		Buffer.from('not the account key').toString('base64'),
		DEFAULT_ACCOUNT.customerId,
	);
	const attempts = [
		await postEvent(url, completed), // no relay signature at all
		await postEvent(url, completed, {
			apiKey: DEFAULT_ACCOUNT.apiKey,
			customerId: DEFAULT_ACCOUNT.customerId,
		}), // Telesign-signed, not relayed
		await postEvent(url, pressed, {
			headers: relay.signRelay(otherKey, 'event', pressed, Date.now()),
		}), // relay-signed with another key
		await postEvent(url, pressed, {
			headers: relay.signRelay(
				relay.deriveRelayKey(DEFAULT_ACCOUNT.apiKey, DEFAULT_ACCOUNT.customerId),
				'event',
				pressed,
				Date.now() - 10 * 60_000,
			),
		}), // too old
	];
	expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401]);
	// Unsigned at the trigger: refused by its usual verification.
	expect((await postEvent(cw.trigger.url, completed)).status).toBe(401);
	const waiting = await cw.n8n.executions(wf.id, { includeData: false });
	expect(waiting.map((e) => e.status)).toEqual(['waiting']);
	// The real call goes on and decides the outcome.
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: false,
		digits: '9',
		status: 'hangup',
	});
});

test('an event of a call whose execution is gone is answered with hangup and starts nothing', async () => {
	const wf = await cw.deploy(`cw gone ${Date.now()}`, {});
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await cw.lastExecution(wf.id);
	const dial = cw.sim.dialsPlaced()[0];
	const before = await triggerRunsOnceCallLogged(dial.reference_id);
	const late = {
		event: 'speak_completed',
		reference_id: dial.reference_id,
		external_id: dial.external_id,
		data: { collected_digits: '1' },
	};
	const res = await postEvent(cw.trigger.url, late, {
		apiKey: DEFAULT_ACCOUNT.apiKey,
		customerId: DEFAULT_ACCOUNT.customerId,
	});
	expect(res.status).toBe(200);
	expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect((await cw.n8n.executions(cw.trigger.id, { includeData: false })).length).toBe(before);
});

test('stopping a waiting execution stops following its call: the next event is answered with hangup', async () => {
	const wf = await cw.deploy(`cw stopped ${Date.now()}`, {});
	cw.sim.configure({ ringMs: 4000 });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await waitForDial();
	const [waiting] = await cw.n8n.executions(wf.id, { includeData: false });
	expect(waiting.status).toBe('waiting');
	const rest = await cw.n8n.restSession();
	const stopped = await rest.post(`/executions/${waiting.id}/stop`, {});
	expect(stopped.status).toBe(200);
	const call = await cw.sim.waitForCall(cw.sim.dialsPlaced()[0].reference_id, {
		timeoutMs: 30_000,
	});
	expect(actionsOf(call)).toEqual(['hangup']);
	const [after] = await cw.n8n.executions(wf.id, { includeData: false });
	expect(after.status).toBe('canceled');
});

test('Telesign never reports back within Limit Wait Time: status "timeout" with what to check', async () => {
	const wf = await cw.deploy(`cw timeout ${Date.now()}`, {
		options: {
			limitWaitTime: {
				values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' },
			},
		},
	});
	cw.sim.configure({ webhookUrl: 'http://127.0.0.1:9/nowhere' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.', user: 'x' });
	const execution = await cw.lastExecution(wf.id, { timeoutMs: 150_000 });
	expect(execution.status).toBe('success');
	const [item] = outputOf(execution);
	expect(item.json).toMatchObject({
		answered: false,
		acknowledged: false,
		digits: null,
		status: 'timeout',
		to: DEMO_NUMBERS.presses1,
	});
	expect(item.json.missing_facts).toEqual(['answered', 'digits', 'events']);
	expect(item.json.message).toMatch(
		/Telesign Voice Trigger with Authentication "Telesign Signature" is active/,
	);
	expect(item.json.reference_id).toEqual(expect.any(String));
}, 180_000);

test('Limit Wait Time runs out after the callee answered: the node ends the wait itself and the outcome keeps what was known', async () => {
	const wf = await cw.deploy(`cw limit ${Date.now()}`, {
		options: {
			limitWaitTime: {
				values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' },
			},
		},
	});
	cw.sim.configure({ mediaMs: 40_000 }); // the message takes longer than the wait
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.', user: 'x' });
	// The node's own timer ends the wait (at least 5 s after the dial); n8n's timer would come a minute later.
	const execution = await cw.lastExecution(wf.id, { timeoutMs: 50_000 });
	expect(execution.status).toBe('success');
	const [item] = outputOf(execution);
	expect(item.json).toMatchObject({
		status: 'timeout',
		answered: true,
		acknowledged: false,
		digits: null,
		missing_facts: [],
		to: DEMO_NUMBERS.presses1,
	});
	expect(item.json.events.map((step) => step.event)).toEqual(['dial_completed']);
	expect(item.json.message).toMatch(/what was known of the call/);
}, 90_000);

/** Polls `done()` every `pollMs` until it is true; fails naming `what` after `timeoutMs`. */
async function until(what, done, { timeoutMs = 15_000, pollMs = 200 } = {}) {
	const started = Date.now();
	while (!(await done())) {
		if (Date.now() - started > timeoutMs) throw new Error(what);
		await delay(pollMs);
	}
}

/** Stops and starts the test's own n8n; the trigger's webhook is back before it returns. */
async function restart(own, triggerUrl) {
	await own.stop();
	await own.start();
	await own.waitForWebhook(triggerUrl);
}

/** Restarted before the callee answers (25 s after the dial): every event reaches the restarted n8n. */
async function restartBeforeItRings(at, wf, triggerUrl) {
	const { n8n: own } = at;
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await until('execution never waited', async () =>
		(await own.executions(wf.id, { includeData: false })).some((e) => e.status === 'waiting'),
	);
	const pidBefore = own.child.pid;
	await own.stop();
	await own.start();
	expect(own.child.pid).not.toBe(pidBefore);
	await own.waitForWebhook(triggerUrl);
	const execution = await cw.lastExecution(wf.id, { timeoutMs: 90_000 }, own);
	expect(execution.status).toBe('success');
	expect(outputOf(execution)[0].json).toMatchObject({
		answered: true,
		acknowledged: true,
		digits: '1',
		status: 'hangup',
	});
}

/**
 * Restarted in the middle of a call: the message is being spoken (25 s) when n8n goes down. The steps before the
 * restart were in the old process's memory; the key pressed after it still counts.
 */
async function restartWhileSpeaking(at, wf, triggerUrl, ownSim) {
	ownSim.reset();
	ownSim.configure({ webhookUrl: triggerUrl, ringMs: 0, mediaMs: 25_000 });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await until(
		'the message was never spoken',
		() => ownSim.calls()[0]?.entries.some((e) => e.type === 'action' && e.method === 'speak'),
		{ pollMs: 100 },
	);
	await restart(at.n8n, triggerUrl);
	const runs = await cw.finishedRuns(wf.id, 2, 90_000, at.n8n);
	expect(runs[0].status).toBe('success');
	const item = outputOf(runs[0])[0].json;
	expect(item).toMatchObject({ answered: true, acknowledged: true, digits: '1', status: 'hangup' });
	expect(item.events.map((e) => e.event)).toEqual(['speak_completed', 'call_completed']);
	expect(actionsOf(ownSim.calls()[0])).toEqual(['speak', 'hangup']);
}

test('n8n restarted while a call waits (before it rings, and while the message is spoken): resumed by the new process', async () => {
	// A second n8n of its own (port + 2), so the restart does not disturb the shared one.
	// The global setup built dist already: pack it without building again (no process-wide setting is changed).
	const own = new N8nServer({
		port: Number(process.env.E2E_N8N_PORT || 5688) + 2,
		tarball: buildAndPack({ skipBuild: true }),
	});
	const ownSim = new TelesignSimulator({
		ownedNumbers: [DEMO_NUMBERS.callerId],
		callees: DEMO_NUMBERS.callees,
		ringMs: 25_000,
		webhookTimeoutMs: 20_000,
	});
	await ownSim.start();
	try {
		await own.start();
		const at = {
			n8n: own,
			credential: await createTelesignCredential(own, 'Telesign (restart)', ownSim.url),
		};
		const { url: triggerUrl } = await deployRelayTrigger(
			own,
			at.credential,
			'Telesign events (restart)',
		);
		ownSim.configure({ webhookUrl: triggerUrl });
		const wf = await cw.deploy('cw restart', {}, undefined, at);
		await restartBeforeItRings(at, wf, triggerUrl);
		await restartWhileSpeaking(at, wf, triggerUrl, ownSim);
	} finally {
		await own.stop();
		await ownSim.stop();
	}
}, 300_000);
