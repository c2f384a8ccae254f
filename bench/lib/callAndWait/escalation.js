'use strict';
/**
 * Call and Wait with on-call lists (bench/README.md, part 4, "On-call lists"): how soon the next person is dialled
 * when a call of the list ends without an acknowledgement, with every chain waiting in one n8n.
 *
 * BENCH_CW_CHAINS executions (default 200) of "Webhook → Call and Wait", one item each whose Recipients is a list of
 * BENCH_CW_CHAIN_LENGTH numbers (default 3), One After Another; every chain's first call is dialled and waiting
 * before any event. Then one chain at a time (concurrency 1):
 *   1. the first call's events as Telesign posts them for a call that is not acknowledged (chainScript.js: a busy
 *      line, or answered with nothing pressed), each answer checked;
 *   2. measured, in an order rotating with one post of the same body (no Call and Wait marker) to Webhook → Set
 *      (the floor), by the same client: its call_completed, from the moment the bench posts it to the trigger to
 *      the moment the simulator accepts the next person's POST /v2/voice. The simulator runs in this process and
 *      emits 'request' when it has read and accepted a dial, so both ends are read on one clock
 *      (performance.now()); the floor's end is its answer received. The trigger's answer to that call_completed
 *      (the relay's round trip: the waiting node answers the relay first, then dials) is kept beside it, and per
 *      chain the dial's arrival minus that answer's: where the time goes (relay, then the dial).
 * Chains stay waiting throughout (each on its second call): the count is read before and after the measurement.
 * Then every second call presses 1 and ends; each execution must resume once, acknowledged by the second person
 * with both attempts, and the simulator must have seen each chain's first and second numbers once, nobody else.
 */
const { cpuMs } = require('../proc');
const { pool } = require('../pool');
const { CONFIG } = require('./config');
const t = require('./telesign');
const s = require('./scenario');
const script = require('./chainScript');

/** Resolves with the time (performance.now()) at which the simulator accepted a dial to `to`. */
function watchDials(sim) {
	const waiting = new Map();
	const onRequest = (entry) => {
		if (entry.status !== 202 || !String(entry.path).startsWith('/v2/voice')) return;
		const at = performance.now();
		const waiter = waiting.get(entry.body?.params?.to);
		if (waiter === undefined) return;
		waiting.delete(entry.body.params.to);
		clearTimeout(waiter.timer);
		waiter.resolve(at);
	};
	sim.on('request', onRequest);
	return {
		next(to, timeoutMs) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					waiting.delete(to);
					reject(new Error(`no dial to ${to} within ${timeoutMs} ms`));
				}, timeoutMs);
				waiting.set(to, { resolve, timer });
			});
		},
		stop() {
			sim.off('request', onRequest);
			for (const waiter of waiting.values()) clearTimeout(waiter.timer);
			waiting.clear();
		},
	};
}

/** The measured call_completed: {dialMs, answerMs} or {failure}. */
async function timeNextDial(run, chain, watch) {
	const dialled = watch.next(chain.recipients[1], CONFIG.escalation.dialTimeoutMs);
	const t0 = performance.now();
	const answered = t
		.post(run.triggerUrl, script.endOfCall(chain.dials[0], chain.flavour))
		.then((r) => ({ ...r, at: performance.now() }));
	const [dial, answer] = await Promise.allSettled([dialled, answered]);
	if (answer.status === 'rejected')
		return { failure: `call_completed of ${chain.recipients[0]}: ${answer.reason.message}` };
	if (answer.value.status !== 200)
		return {
			failure: `call_completed of ${chain.recipients[0]}: HTTP ${answer.value.status} ${answer.value.body.slice(0, 120)}`,
		};
	if (dial.status === 'rejected') return { failure: dial.reason.message };
	return { dialMs: dial.value - t0, answerMs: answer.value.at - t0 };
}

async function timeFloor(run, index, flavour) {
	const t0 = performance.now();
	const r = await t.post(run.urls.floor, script.floorEndOfCall(index, flavour));
	const ms = performance.now() - t0;
	t.expectAnswer('Webhook → Set', r, t.isSpeak);
	return ms;
}

/** Steps 1 and 2 of the file's comment for every chain; the first `warmup` chains are not counted. */
async function measureChains(run, chains, warmup) {
	const lat = { floor: [], nextDial: [], triggerAnswer: [], dialAfterAnswer: [] };
	const failures = { count: 0, first: undefined };
	const fail = (message) => {
		failures.count++;
		failures.first = failures.first ?? message;
	};
	const watch = watchDials(run.sim);
	try {
		for (let i = 0; i < chains.length; i++) {
			const chain = chains[i];
			for (const step of script.eventsBeforeEnd(chain.dials[0], chain.flavour)) {
				const r = await t.post(run.triggerUrl, step.body);
				if (r.status !== 200 || !step.check(r.body))
					fail(`${chain.recipients[0]}, ${step.what}: HTTP ${r.status} ${r.body.slice(0, 120)}`);
			}
			const order = i % 2 === 0 ? ['chain', 'floor'] : ['floor', 'chain'];
			for (const path of order) {
				if (path === 'floor') {
					const ms = await timeFloor(run, i, chain.flavour);
					if (i >= warmup) lat.floor.push(ms);
					continue;
				}
				const r = await timeNextDial(run, chain, watch);
				if (r.failure !== undefined) fail(r.failure);
				else if (i >= warmup) {
					lat.nextDial.push(r.dialMs);
					lat.triggerAnswer.push(r.answerMs);
					lat.dialAfterAnswer.push(r.dialMs - r.answerMs);
				}
			}
		}
	} finally {
		watch.stop();
	}
	return { lat, failures };
}

/** Every second call: answered, key 1 (→ hangup), ended; then until every execution has resumed. */
async function acknowledgeAll(run, chains, workflowId) {
	const started = Date.now();
	await pool(chains, CONFIG.poolSize, async (chain) => {
		const dial = run.sim.dialsPlaced().find((d) => d.to === chain.recipients[1]);
		if (dial === undefined) return; // counted by the dial check
		chain.dials[1] = dial;
		t.expectAnswer(
			`second call of ${chain.recipients[0]}'s chain, dial_completed`,
			await t.post(run.triggerUrl, t.dialCompleted(dial)),
			t.isPrompt,
		);
		t.expectAnswer(
			`second call of ${chain.recipients[0]}'s chain, speak_completed 1`,
			await t.post(run.triggerUrl, t.speakCompleted(dial)),
			t.isHangup,
		);
		t.expectAnswer(
			`second call of ${chain.recipients[0]}'s chain, call_completed`,
			await t.post(run.triggerUrl, t.callCompleted(dial)),
			() => true,
		);
	});
	await s.until(`${chains.length} executions resumed`, async () => {
		const success = await s.countExecutions(run.n8n, workflowId, 'success');
		return { done: success === chains.length, seen: `${success} succeeded` };
	});
	return Date.now() - started;
}

/** Each execution's one outcome item against its chain (found by the list it was posted). */
async function verifyChains(n8n, workflowId, chains) {
	const byFirst = new Map(chains.map((chain) => [chain.recipients[0], chain]));
	const executions = await n8n.executions(workflowId, { includeData: true });
	const seen = new Set();
	for (const execution of executions) {
		if (execution.status !== 'success')
			throw new Error(`execution ${execution.id}: ${execution.status}`);
		const recipients =
			execution.data.resultData.runData['Alert In'][0].data.main[0][0].json.body.recipients;
		const chain = byFirst.get(recipients[0]);
		const output = s.outputOf(execution);
		if (chain === undefined || seen.has(chain) || output.length !== 1)
			throw new Error(
				`execution ${execution.id}: ${output.length} items for ${recipients.join(', ')}`,
			);
		seen.add(chain);
		const problem = script.outcomeProblem(output[0].json, chain);
		if (problem !== undefined) throw new Error(`execution ${execution.id}: ${problem}`);
	}
	if (seen.size !== chains.length)
		throw new Error(`${seen.size} executions resumed for ${chains.length} chains`);
	return { executions: executions.length, items: seen.size };
}

/** The on-call list scenario in a running n8n; `run` as for scenario() (callAndWait.js measure()). */
async function escalationScenario(run) {
	const { n8n, sim, log } = run;
	const pid = n8n.child.pid;
	const { chains: count, length } = CONFIG.escalation;
	const { workflowId, url } = await s.deployScenario(run, 'escalation', false, true);
	sim.reset();
	const chains = Array.from({ length: count }, (_, i) => ({
		recipients: Array.from({ length }, () => String(15552000000 + run.nextNumber++)),
		flavour: script.flavourOf(i),
		dials: [],
	}));
	const rssIdleKb = await s.settledRssKb(pid);
	log(
		`call and wait on-call lists: placing ${count} chains of ${length} numbers (One After Another), one execution each`,
	);
	const placeMs = await s.placeCalls(run, {
		url,
		workflowId,
		bodies: chains.map((c) => ({ recipients: c.recipients })),
		calls: count,
		executions: count,
	});
	const rssWaitingKb = await s.settledRssKb(pid);
	const firstDials = new Map(sim.dialsPlaced().map((d) => [d.to, d]));
	for (const chain of chains) chain.dials[0] = firstDials.get(chain.recipients[0]);
	const missing = chains.filter((c) => c.dials[0] === undefined);
	if (missing.length > 0)
		throw new Error(
			`${missing.length} chains' first person was not dialled (e.g. ${missing[0].recipients[0]})`,
		);
	const waitingBefore = await s.countExecutions(n8n, workflowId, 'waiting');
	log(
		`  ${waitingBefore} chains waiting after ${(placeMs / 1000).toFixed(1)} s; n8n RSS ${(rssWaitingKb / 1024).toFixed(0)} MB; measuring call_completed → next person's dial`,
	);
	const cpu0 = cpuMs(pid);
	const warmup = Math.min(CONFIG.warmup, Math.floor(count / 10));
	const { lat, failures } = await measureChains(run, chains, warmup);
	const cpuMsPerChain = (cpuMs(pid) - cpu0) / count;
	const waitingAfter = await s.countExecutions(n8n, workflowId, 'waiting');
	const latency = Object.fromEntries(
		Object.entries(lat).map(([name, values]) => [name, s.summarizeLatency(values)]),
	);
	log(
		`  next dial p50 ${latency.nextDial.p50.toFixed(0)} ms, Webhook → Set p50 ${latency.floor.p50.toFixed(0)} ms; ${waitingAfter} chains still waiting; acknowledging every second call`,
	);
	const finishMs = await acknowledgeAll(run, chains, workflowId);
	const dialProblems = script.dialProblems(sim.dialsPlaced(), chains);
	let verified;
	try {
		verified = await verifyChains(n8n, workflowId, chains);
	} catch (error) {
		verified = { executions: 0, items: 0, error: error.message };
	}
	const rssAfterKb = await s.settledRssKb(pid);
	await n8n.deactivate(workflowId);
	log(
		`  ${verified.items}/${count} chains acknowledged by their second person; dials ${dialProblems.length ? dialProblems.join('; ') : 'right'}`,
	);
	return {
		key: 'escalation',
		chains: count,
		length,
		measured: count - warmup,
		flavours: script.FLAVOURS,
		placeMs,
		finishMs,
		waiting: { before: waitingBefore, after: waitingAfter },
		rss: { idleKb: rssIdleKb, waitingKb: rssWaitingKb, afterKb: rssAfterKb },
		cpuMsPerChain,
		latency,
		failures,
		dials: { total: sim.dialsPlaced().length, problems: dialProblems },
		verified,
	};
}

module.exports = { escalationScenario, watchDials };
