'use strict';
/**
 * Reliability and security suite, part 6 (see harness/reliability/suite.js for the six parts and the report):
 * Call → Call and Wait for Response loses nothing and doubles nothing. The test plays Telesign: the node dials
 * the simulator (which posts no events of its own here: no webhook URL), and the test posts each call's events,
 * signed, to the Telesign Voice Trigger that relays them to the waiting execution — duplicated, out of order,
 * for executions that never existed or have ended, after the wait ran out, 200 calls answering at once (16 events in flight). Each case checks
 * one outcome per input item, no dial sent twice, no event recorded twice, the right outcome and the answer
 * Telesign got. The relay's faults and an n8n restart run on an n8n of this file's own (relayFaults.js).
 */
const crypto = require('crypto');
const fs = require('fs');
const axios = require('axios');

const { reliabilitySuite, executionIds, runPool, percentile } = require('../harness/reliability');
const { callAndWaitWorkflow, telesignTrigger } = require('../harness/workflows');
const { REPO_ROOT } = require('../harness/install');
const { postEvent } = require('../../simulator');
const c = require('./callAndWait.cases');
const { relayFaults } = require('./callAndWait.relayFaults');

// The package's own marker writer (built by the global setup): an event for an execution that never existed.
const relay = require(`${REPO_ROOT}/dist/nodes/shared/relay`);

const suite = reliabilitySuite('callAndWait');
const { board } = suite;
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` until it returns a value; fails naming `what` after `timeoutMs`. */
async function until(what, fn, { timeoutMs = 60_000, pollMs = 250 } = {}) {
	const started = Date.now();
	let lastError;
	for (;;) {
		// n8n's API may answer 503 "Database is not ready" for a moment while n8n is busy (the burst): ask again.
		const value = await Promise.resolve(fn()).catch((error) => {
			lastError = error;
			return undefined;
		});
		if (value) return value;
		if (Date.now() - started > timeoutMs)
			throw new Error(
				`${what} (after ${timeoutMs} ms)${lastError ? `; last error: ${lastError.message.slice(0, 200)}` : ''}`,
			);
		await delay(pollMs);
	}
}

/**
 * Where the calls run: an n8n, its Telesign credential, the simulator the node dials and the relaying trigger
 * (Events: call_completed, the call log that sees every call of the account).
 */
function place(n8n, sim, credential) {
	const at = { n8n, sim, credential, remember: (w) => w };
	at.deployTrigger = async (name) => {
		const node = telesignTrigger('Telesign Events', {
			events: ['call_completed'],
			respond: 'immediately',
		});
		const created = await n8n.createWorkflow(
			{ name, nodes: [node], connections: {} },
			{ credentials: { telesignVoiceApi: credential } },
		);
		at.trigger = at.remember({ id: created.id, name, url: n8n.webhookUrl(node) });
		await n8n.waitForWebhook(at.trigger.url);
	};
	/** Creates and activates "Alert In (POST {calls: [{to, message}]}) → one item per call → Call and Wait". */
	at.deployCalls = async (name, parameters = c.PARAMETERS) => {
		const split = {
			id: crypto.randomUUID(),
			name: 'Each Call',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [110, 0],
			parameters: { fieldToSplitOut: 'body.calls', options: {} },
		};
		const { workflow, path } = callAndWaitWorkflow(`Reliability: Call and Wait, ${name}`, {
			callerId: c.CALLER_ID,
			credential,
			parameters: { to: '={{ $json.to }}', message: '={{ $json.message }}', ...parameters },
			extraNodes: [split],
			extraConnections: {
				'Alert In': { main: [[{ node: 'Each Call', type: 'main', index: 0 }]] },
				'Each Call': { main: [[{ node: 'Call and Wait', type: 'main', index: 0 }]] },
			},
		});
		const created = await n8n.createWorkflow(workflow, {
			credentials: { telesignVoiceApi: credential },
		});
		const url = `${n8n.baseUrl}/webhook/${path}`;
		await n8n.waitForWebhook(url);
		return at.remember({ id: created.id, name: workflow.name, url });
	};
	/** Starts one execution calling `numbers`; resolves once every dial was placed and the execution waits. */
	at.startCalls = async (wf, numbers) => {
		const before = sim.dialsPlaced().length;
		const res = await axios.post(
			wf.url,
			{ calls: numbers.map((to) => ({ to, message: c.messageFor(to) })) },
			{ validateStatus: () => true },
		);
		expect(res.status).toBe(200);
		const dials = await until(`${numbers.length} dials placed`, () => {
			const placed = sim.dialsPlaced().slice(before);
			return placed.length >= numbers.length ? placed : undefined;
		});
		const byTo = new Map(dials.map((d) => [d.to, d]));
		const ordered = numbers.map((to) => ({
			to,
			reference_id: byTo.get(to).reference_id,
			external_id: byTo.get(to).external_id,
		}));
		const executionId = relay.parseMarker(ordered[0].external_id).executionId;
		await until(`execution ${executionId} waiting`, async () =>
			(await n8n.executions(wf.id, { includeData: false })).some(
				(e) => e.id === executionId && e.status === 'waiting',
			),
		);
		return { executionId, dials: ordered };
	};
	/** Posts one event of `dial`'s call to the trigger, signed as Telesign signs: {status, answer, ms}. */
	at.send = async (dial, [event, data], { timeoutMs = 30_000 } = {}) => {
		const body = JSON.stringify({
			event,
			reference_id: dial.reference_id,
			external_id: dial.external_id,
			data,
		});
		const t0 = Date.now();
		const res = await postEvent(at.trigger.url, body, {
			apiKey: suite.secrets.account.apiKey,
			customerId: suite.secrets.account.customerId,
			timeoutMs,
		});
		suite.scanner.add('answers of the relaying trigger', res.body);
		let answer;
		try {
			answer = JSON.parse(res.body);
		} catch {
			answer = res.body;
		}
		return { status: res.status, answer, ms: Date.now() - t0 };
	};
	/** The execution once it has finished, with data. */
	at.finished = async (wf, executionId, timeoutMs = 60_000) =>
		until(
			`execution ${executionId} finished`,
			async () => {
				const e = (await n8n.executions(wf.id, { includeData: true })).find(
					(x) => x.id === executionId,
				);
				return e && ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
			},
			{ timeoutMs },
		);
	at.status = async (wf, executionId) =>
		(await n8n.executions(wf.id, { includeData: false })).find((e) => e.id === executionId)?.status;
	/** How many runs the trigger's own workflow (the call log) has had. */
	at.triggerRuns = async () => (await n8n.executions(at.trigger.id, { includeData: false })).length;
	return at;
}

/** The Call and Wait node's output items of a finished execution. */
function outcomesOf(execution) {
	const runs = execution.data.resultData.runData['Call and Wait'];
	return runs[runs.length - 1].data.main[0];
}

/** Plays a script ([[event, expected answer, note?]]) for one call; returns the mismatches. */
async function play(at, dial, script) {
	const wrong = [];
	for (const [ev, expected, note] of script) {
		const got = await at.send(dial, ev);
		if (got.status !== 200 || JSON.stringify(got.answer) !== JSON.stringify(expected)) {
			wrong.push(
				`${ev[0]}${note ? ` (${note})` : ''}: expected 200 ${JSON.stringify(expected)}, got ${got.status} ${JSON.stringify(got.answer)}`,
			);
		}
	}
	return wrong;
}

/** The execution's outcome for one item: exactly as expected, events neither lost nor doubled. */
function expectOutcome(item, index, dial, outcome) {
	expect(item.pairedItem).toEqual({ item: index });
	const { events, ...fields } = outcome;
	expect(item.json).toMatchObject({
		...fields,
		to: dial.to,
		reference_id: dial.reference_id,
		external_id: null,
	});
	expect(item.json.events).toEqual(events);
}

/** No dial sent twice, over everything this file's simulator placed. */
function noDuplicateDials(sim) {
	expect(sim.duplicateDials({ by: 'external_id' })).toEqual([]);
	expect(sim.duplicateDials({ by: 'to' })).toEqual([]);
}

/** Lines of the n8n log written since `offset` (bytes) that match `pattern`. */
function logLinesSince(logPath, offset, pattern) {
	const text = fs.readFileSync(logPath, 'utf8').slice(offset);
	return text.split('\n').filter((line) => pattern.test(line));
}
const logSize = (logPath) => fs.statSync(logPath).size;

async function duplicates(at) {
	const cases = c.duplicateCases();
	const wf = await at.deployCalls('duplicated events');
	const { executionId, dials } = await at.startCalls(
		wf,
		cases.map(() => suite.freshNumber()),
	);
	const wrongAnswers = [];
	for (const [i, k] of cases.entries()) {
		wrongAnswers[i] = await play(at, dials[i], k.script(dials[i]));
		if (k.stillWaiting)
			wrongAnswers[i].push(
				...((await at.status(wf, executionId)) === 'waiting'
					? []
					: ['the execution did not wait for the other calls']),
			);
	}
	const execution = await at.finished(wf, executionId);
	const items = outcomesOf(execution);
	for (const [i, k] of cases.entries()) {
		await suite.check(`duplicated events: ${k.name}`, () => {
			expect(wrongAnswers[i]).toEqual([]);
			expect(execution.status).toBe('success');
			expect(items).toHaveLength(cases.length);
			expectOutcome(items[i], i, dials[i], k.outcome);
			return `${k.script(dials[i]).length} events posted, ${k.outcome.events.length} recorded`;
		});
	}
	return { wf, executionId, dials, execution };
}

async function closingDuplicate(at) {
	const k = c.closingCase();
	const wf = await at.deployCalls('closing message', c.CLOSING_PARAMETERS);
	const { executionId, dials } = await at.startCalls(wf, [suite.freshNumber()]);
	const wrong = await play(at, dials[0], k.script(dials[0]));
	const execution = await at.finished(wf, executionId);
	await suite.check(`duplicated events: ${k.name}`, () => {
		expect(wrong).toEqual([]);
		expect(outcomesOf(execution)).toHaveLength(1);
		expectOutcome(outcomesOf(execution)[0], 0, dials[0], k.outcome);
	});
}

/** The last call_completed posted twice at the same moment: the execution resumes once. */
async function concurrentLastCompleted(at) {
	const wf = await at.deployCalls('call_completed twice at once');
	const { executionId, dials } = await at.startCalls(wf, [suite.freshNumber()]);
	const [d] = dials;
	const wrong = await play(at, d, [
		[c.events.dial(d), c.answers.prompt(d.to)],
		[c.events.speak('1'), c.answers.hangup()],
	]);
	const both = await Promise.all([
		at.send(d, c.events.completed(d)),
		at.send(d, c.events.completed(d)),
	]);
	const execution = await at.finished(wf, executionId);
	await delay(1000); // a second resume would show as a second run or execution
	await suite.check(
		'duplicated events: the last call_completed posted twice at the same moment → both answered {}, the execution resumes exactly once',
		async () => {
			expect(wrong).toEqual([]);
			expect(both.map((r) => [r.status, r.answer])).toEqual([
				[200, {}],
				[200, {}],
			]);
			expect(execution.status).toBe('success');
			// n8n 2.41 replaces the waiting run with the resumed one: a second resume would add a run (or an execution).
			expect(execution.data.resultData.runData['Call and Wait']).toHaveLength(1);
			expectOutcome(
				outcomesOf(execution)[0],
				0,
				d,
				c.acknowledged([c.step.dial, c.step.speak('1', 'hangup'), c.step.completed]),
			);
			expect((await at.n8n.executions(wf.id, { includeData: false })).map((e) => e.status)).toEqual(
				['success'],
			);
		},
	);
}

/** call_completed before the call's last speak_completed. */
async function outOfOrder(at) {
	const wf = await at.deployCalls('out of order');
	// Two calls: the first one's late speak_completed comes while the second call still goes on.
	const two = await at.startCalls(wf, [suite.freshNumber(), suite.freshNumber()]);
	const [a, b] = two.dials;
	const wrongA = await play(at, a, [
		[c.events.dial(a), c.answers.prompt(a.to)],
		[c.events.completed(a), c.answers.none()],
		[c.events.speak('1'), c.answers.hangup()],
	]);
	const wrongB = await play(at, b, [
		[c.events.dial(b), c.answers.prompt(b.to)],
		[c.events.speak('9'), c.answers.hangup()],
		[c.events.completed(b), c.answers.none()],
	]);
	const execution = await at.finished(wf, two.executionId);
	await suite.check(
		'out of order: call_completed before the last speak_completed while another call goes on → the late key press still counts, each event recorded once',
		() => {
			expect([...wrongA, ...wrongB]).toEqual([]);
			const items = outcomesOf(execution);
			expect(items).toHaveLength(2);
			expectOutcome(
				items[0],
				0,
				a,
				c.acknowledged([c.step.dial, c.step.completed, c.step.speak('1', 'hangup')]),
			);
			expectOutcome(items[1], 1, b, {
				answered: true,
				acknowledged: false,
				digits: '9',
				status: 'hangup',
				events: [c.step.dial, c.step.speak('9', 'hangup'), c.step.completed],
			});
		},
	);
	// One call: its call_completed ends the wait, so its late speak_completed finds no waiting execution.
	const one = await at.startCalls(wf, [suite.freshNumber()]);
	const [d] = one.dials;
	const wrong = await play(at, d, [
		[c.events.dial(d), c.answers.prompt(d.to)],
		[c.events.completed(d), c.answers.none()],
	]);
	const resumed = await at.finished(wf, one.executionId);
	const late = await at.send(d, c.events.speak('1'));
	await suite.check(
		'out of order: call_completed before the last speak_completed of the only call → it resumes at call_completed (the call has ended); the late speak_completed is answered hangup and changes nothing',
		async () => {
			expect(wrong).toEqual([]);
			expect([late.status, late.answer]).toEqual([200, c.answers.hangup()]);
			const items = outcomesOf(resumed);
			expect(items).toHaveLength(1);
			expectOutcome(items[0], 0, d, {
				answered: true,
				acknowledged: false,
				digits: null,
				status: 'hangup',
				events: [c.step.dial, c.step.completed],
			});
			const again = (await at.n8n.executions(wf.id, { includeData: true })).find(
				(e) => e.id === one.executionId,
			);
			expect(outcomesOf(again)).toEqual(items);
		},
	);
}

/**
 * Events whose execution never existed, or has ended: answered with a legal action (hangup; call_completed:
 * {}), nothing waits or resumes, and only call_completed starts the trigger's own workflow (its Events select
 * call_completed: the call log sees every call of the account, relay.ts).
 */
async function noWaitingExecution(at, ended) {
	const nodeId = 'd7a1c3e2-0b4f-4c55-9a61-5f2b8e9c0a11';
	const ghost = relay.encodeMarker({
		executionId: '987654321',
		nodeId,
		itemIndex: 0,
		signature: 'ab'.repeat(32),
	});
	const variants = [
		[
			'an execution that never existed (marker naming execution 987654321)',
			{
				to: suite.freshNumber(),
				reference_id: 'GHOST0000000000000000000000000001',
				external_id: ghost,
			},
		],
		['an execution that already resumed', ended.dials[0]],
	];
	for (const [label, dial] of variants) {
		const logOffset = logSize(at.n8n.logPath);
		const callLogBefore = await at.triggerRuns();
		const callsBefore = await executionIds(at.n8n, ended.wf.id);
		const sent = [];
		for (const ev of [c.events.dial(dial), c.events.speak('1'), c.events.completed(dial)])
			sent.push(await at.send(dial, ev));
		await delay(1500); // what an event starts is listed within this; the next check asserts the count
		await suite.check(
			`an event for ${label} → answered hangup (call_completed {}), nothing resumes, only call_completed starts the call log (once)`,
			async () => {
				expect(sent.map((r) => [r.status, r.answer])).toEqual([
					[200, c.answers.hangup()],
					[200, c.answers.hangup()],
					[200, c.answers.none()],
				]);
				expect(await at.triggerRuns()).toBe(callLogBefore + 1);
				expect(
					[...(await executionIds(at.n8n, ended.wf.id))].filter((id) => !callsBefore.has(id)),
				).toEqual([]);
				const again = (await at.n8n.executions(ended.wf.id, { includeData: true })).find(
					(e) => e.id === ended.executionId,
				);
				expect(outcomesOf(again)).toEqual(outcomesOf(ended.execution));
				const warned = logLinesSince(
					at.n8n.logPath,
					logOffset,
					/event of a Call and Wait call not relayed/,
				);
				expect(warned.length).toBeGreaterThanOrEqual(3);
				return warned[0].trim().slice(0, 160);
			},
		);
	}
}

/**
 * 200 calls answering at once: one Call and Wait with 200 items (one alert to 200 people), and each phase's 200
 * events (dial_completed, then speak_completed, then call_completed) arriving together, with 16 in flight — the
 * shape issue #20 names ("a 16-way concurrent burst"), a delivery that keeps a steady queue of events before n8n.
 * Not 200 in flight: every waiting-webhook request makes n8n load the execution from its database (~130–200 ms
 * of CPU each on a 2-core machine, whatever the number of items), and with ~200 at once n8n's own database health
 * check times out and n8n answers "503 Database is not ready" (bench/callAndWaitLimits.js; docs/scaling.md).
 */
async function burst(at) {
	const N = 200;
	const IN_FLIGHT = 16;
	const wf = await at.deployCalls('200 calls at once', {
		...c.PARAMETERS,
		options: { ...c.PARAMETERS.options, concurrency: 20 },
	});
	const numbers = Array.from({ length: N }, () => suite.freshNumber());
	const dialStarted = Date.now();
	const { executionId, dials } = await at.startCalls(wf, numbers);
	const dialSeconds = (Date.now() - dialStarted) / 1000;
	const digitsOf = (i) => (i % 2 === 0 ? '1' : '9');
	const phases = [
		['dial_completed', (d) => c.events.dial(d), (d) => c.answers.prompt(d.to)],
		['speak_completed', (d, i) => c.events.speak(digitsOf(i)), () => c.answers.hangup()],
		['call_completed', (d) => c.events.completed(d), () => c.answers.none()],
	];
	const started = Date.now();
	const latencies = [];
	const wrong = [];
	for (const [name, event, expected] of phases) {
		const results = await runPool(dials, IN_FLIGHT, (d, i) =>
			at
				.send(d, event(d, i), { timeoutMs: 120_000 })
				.catch((error) => ({ status: 0, answer: String(error.message), ms: 0 })),
		);
		results.forEach((r, i) => {
			latencies.push(r.ms);
			if (r.status !== 200 || JSON.stringify(r.answer) !== JSON.stringify(expected(dials[i])))
				wrong.push(`${name} of call ${i}: ${r.status} ${JSON.stringify(r.answer).slice(0, 100)}`);
		});
	}
	const answeredSeconds = (Date.now() - started) / 1000;
	board.recordGroup(
		'callAndWait',
		`burst: ${3 * N} events of ${N} calls (each phase's ${N} events posted together, ${IN_FLIGHT} in flight) answered 200 with the call's own action`,
		3 * N,
		3 * N - wrong.length,
		wrong,
	);
	const execution = await at.finished(wf, executionId, 180_000);
	const resumedSeconds = (Date.now() - started) / 1000;
	const items = execution.status === 'success' ? outcomesOf(execution) : [];
	const bad = [];
	dials.forEach((d, i) => {
		try {
			const digits = digitsOf(i);
			expectOutcome(items[i], i, d, {
				answered: true,
				acknowledged: digits === '1',
				digits,
				status: 'hangup',
				events: [c.step.dial, c.step.speak(digits, 'hangup'), c.step.completed],
			});
		} catch (error) {
			bad.push(`item ${i}: ${String(error.message).split('\n').slice(0, 3).join(' ')}`);
		}
	});
	board.recordGroup(
		'callAndWait',
		`burst: one execution resumed with ${N} outcomes, each item's own (digits, acknowledged, 3 events, none doubled)`,
		N,
		N - bad.length,
		bad,
	);
	await suite.check(
		`burst: exactly ${N} dials placed, none twice; one execution, resumed once`,
		async () => {
			expect(execution.status).toBe('success');
			expect(items).toHaveLength(N);
			expect(dials.map((d) => d.to)).toEqual(numbers);
			noDuplicateDials(at.sim);
			expect((await at.n8n.executions(wf.id, { includeData: false })).map((e) => e.status)).toEqual(
				['success'],
			);
		},
	);
	const sorted = latencies.filter((ms) => ms > 0).sort((x, y) => x - y);
	board.figures['Call and Wait burst: calls'] =
		`${N} items in one execution, dialled at concurrency 20 in ${dialSeconds.toFixed(1)} s (until the execution waited)`;
	board.figures['Call and Wait burst: events'] =
		`${3 * N} (${N} per event type posted together, ${IN_FLIGHT} in flight), all answered after ${answeredSeconds.toFixed(1)} s; the execution listed as finished after ${resumedSeconds.toFixed(1)} s`;
	board.figures['Call and Wait burst: answer latency p50 / p95 / max'] =
		`${percentile(sorted, 50)} / ${percentile(sorted, 95)} / ${sorted[sorted.length - 1]} ms`;
}

/**
 * Started first, checked late: events after the wait ran out. Limit Wait Time 15 s: the node ends the wait itself
 * then (timeLimit.ts), with what it knew (the callee answered), before n8n's own timer a minute later.
 */
async function startLateEvents(at) {
	const wf = await at.deployCalls('late events', {
		...c.PARAMETERS,
		options: {
			...c.PARAMETERS.options,
			limitWaitTime: {
				values: { limitType: 'afterTimeInterval', resumeAmount: 15, resumeUnit: 'seconds' },
			},
		},
	});
	const { executionId, dials } = await at.startCalls(wf, [suite.freshNumber()]);
	const [d] = dials;
	const early = await at.send(d, c.events.dial(d));
	return { wf, executionId, d, early };
}

async function lateEvents(at, { wf, executionId, d, early }) {
	const execution = await at.finished(wf, executionId, 150_000);
	const late = [];
	for (const ev of [c.events.speak('1'), c.events.speak('1'), c.events.completed(d)])
		late.push(await at.send(d, ev));
	await delay(1000);
	await suite.check(
		'late events after the wait ran out (Limit Wait Time) → answered hangup (call_completed {}); one timeout outcome keeping what was known (answered, the prompt), unchanged by them',
		async () => {
			expect([early.status, early.answer]).toEqual([200, c.answers.prompt(d.to)]);
			expect(late.map((r) => [r.status, r.answer])).toEqual([
				[200, c.answers.hangup()],
				[200, c.answers.hangup()],
				[200, c.answers.none()],
			]);
			expect(execution.status).toBe('success');
			const items = outcomesOf(execution);
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({
				status: 'timeout',
				answered: true,
				acknowledged: false,
				digits: null,
				missing_facts: [],
				to: d.to,
				reference_id: d.reference_id,
			});
			expect(items[0].json.events).toEqual([c.step.dial]);
			expect(items[0].json.message).toMatch(/what was known of the call/);
			const runs = await at.n8n.executions(wf.id, { includeData: true });
			expect(runs.map((e) => e.status)).toEqual(['success']);
			expect(outcomesOf(runs[0])).toEqual(items);
		},
	);
}

test('6) Call and Wait: duplicated, out-of-order, orphaned, late events and 200 calls answering at once — nothing lost, nothing doubled; relay faults and a restart', async () => {
	await suite.timed(async () => {
		suite.sim.configure({ webhookUrl: null });
		const at = place(suite.n8n, suite.sim, await suite.credential('basic'));
		at.remember = suite.remember;
		await at.deployTrigger('Reliability: Call and Wait relay (call log)');
		const late = await startLateEvents(at);
		const ended = await duplicates(at);
		await closingDuplicate(at);
		await concurrentLastCompleted(at);
		await outOfOrder(at);
		await noWaitingExecution(at, ended);
		await lateEvents(at, late);
		await relayFaults({
			suite,
			place,
			until,
			delay,
			outcomesOf,
			expectOutcome,
			logLinesSince,
			logSize,
		});
		await burst(at); // last: the heaviest load of the category
		await suite.check(
			'simulator: zero duplicate dials per external_id and per number over the whole category',
			() => noDuplicateDials(suite.sim),
		);
	});
	expect(board.failures('callAndWait')).toEqual([]);
}, 900_000);
