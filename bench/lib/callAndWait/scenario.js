'use strict';
/**
 * One Call and Wait scenario in a running n8n: place every call, hold them all waiting, measure dial_completed →
 * speak through the relay, finish every call, and check each execution's output.
 */
const { callAndWaitWorkflow } = require('../workflows');
const { procStatus, cpuMs } = require('../proc');
const { percentile, max, min } = require('../stats');
const { pool } = require('../pool');
const { CONFIG, MESSAGE } = require('./config');
const { measureLatencies, finishCalls } = require('./telesign');

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS after a short quiet time (n8n's GC cannot be forced from outside: the figure is what the OS reports). */
async function settledRssKb(pid) {
	await delay(3000);
	return procStatus(pid, 'VmRSS');
}

async function countExecutions(n8n, workflowId, status) {
	let count = 0;
	let cursor;
	for (let page = 0; page < 100; page++) {
		const qs = new URLSearchParams({
			workflowId: String(workflowId),
			status,
			includeData: 'false',
			limit: '250',
		});
		if (cursor) qs.set('cursor', cursor);
		const res = await n8n.api('GET', `/executions?${qs}`);
		count += res.data.data.length;
		cursor = res.data.nextCursor;
		if (!cursor) break;
	}
	return count;
}

async function until(what, test) {
	const started = Date.now();
	for (;;) {
		const state = await test();
		if (state.done) return Date.now() - started;
		if (Date.now() - started > CONFIG.waitTimeoutMs)
			throw new Error(`${what}: not reached after ${CONFIG.waitTimeoutMs} ms (${state.seen})`);
		await delay(250);
	}
}

function outputOf(execution) {
	const runs = execution.data?.resultData?.runData?.['Call and Wait'];
	return runs?.[runs.length - 1]?.data?.main?.[0] ?? [];
}

/**
 * One execution resumed with one acknowledged item per call, for the number it called, in item order. `ended`:
 * numbers whose call was answered hangup before the prompt (as Telesign would, the bench then only completed
 * it): their item must say not acknowledged.
 */
function verifyExecution(execution, dialsByTo, ended = new Set()) {
	if (execution.status !== 'success')
		throw new Error(`execution ${execution.id}: ${execution.status}`);
	const input = execution.data.resultData.runData['Alert In'][0].data.main[0][0].json.body;
	const expected = input.calls ? input.calls.map((c) => c.to) : [input.to];
	const output = outputOf(execution);
	if (output.length !== expected.length)
		throw new Error(
			`execution ${execution.id}: ${output.length} items out for ${expected.length} calls`,
		);
	output.forEach((item, i) => {
		const j = item.json;
		const dial = dialsByTo.get(expected[i]);
		const own =
			j.to === expected[i] && j.reference_id === dial?.reference_id && item.pairedItem?.item === i;
		const ok =
			own &&
			(ended.has(j.to)
				? j.acknowledged === false
				: j.answered === true &&
					j.acknowledged === true &&
					j.digits === '1' &&
					j.status === 'hangup');
		if (!ok)
			throw new Error(
				`execution ${execution.id}, item ${i}: ${JSON.stringify({ ...j, events: undefined, pairedItem: item.pairedItem })}`,
			);
	});
	return output.length;
}

/** Every execution of the workflow verified; the number of outcome items must be the number of calls. */
async function verifyOutcomes(n8n, workflowId, dialsByTo, expectedItems, ended) {
	const executions = await n8n.executions(workflowId, { includeData: true });
	let items = 0;
	for (const execution of executions) items += verifyExecution(execution, dialsByTo, ended);
	if (items !== expectedItems) throw new Error(`${items} outcome items for ${expectedItems} calls`);
	return { executions: executions.length, items };
}

function summarizeLatency(values) {
	return {
		n: values.length,
		p50: percentile(values, 50),
		p90: percentile(values, 90),
		p95: percentile(values, 95),
		p99: percentile(values, 99),
		min: min(values),
		max: max(values),
	};
}

/** Posts the alerts and waits until every call is dialled and every execution waits; returns the time taken. */
async function placeCalls(run, { url, workflowId, bodies, calls, executions }) {
	const { n8n, sim } = run;
	const started = Date.now();
	await pool(bodies, CONFIG.poolSize, async (body) => {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
	});
	await until(`${calls} calls dialled and ${executions} execution(s) waiting`, async () => {
		const dialled = sim.dialsPlaced().length;
		const waiting = dialled === calls ? await countExecutions(n8n, workflowId, 'waiting') : 0;
		return {
			done: dialled === calls && waiting === executions,
			seen: `${dialled} dialled, ${waiting} waiting`,
		};
	});
	return Date.now() - started;
}

/** Finishes every call and waits until every execution has resumed and succeeded; returns the time taken. */
async function finishAll(run, { workflowId, dials, executions }) {
	const started = Date.now();
	await finishCalls(run.triggerUrl, dials);
	await until(`${executions} execution(s) resumed`, async () => {
		const success = await countExecutions(run.n8n, workflowId, 'success');
		return { done: success === executions, seen: `${success} succeeded` };
	});
	return Date.now() - started;
}

async function deployScenario(run, key, split, list = false) {
	const { n8n } = run;
	const created = await n8n.createWorkflow(callAndWaitWorkflow(key, MESSAGE, { split, list }), {
		credentials: { telesignVoiceApi: run.credential },
	});
	const url = `${n8n.baseUrl}/webhook/bench-cw-${key}`;
	await n8n.waitForWebhook(url);
	return { workflowId: created.id, url };
}

/**
 * One scenario: place the calls, hold them, measure, finish, verify. `run`: {n8n, sim, log, urls, credential,
 * triggerUrl, nextNumber} shared by the scenarios of one measurement.
 */
async function scenario(run, { key, executions, itemsPerExecution }) {
	const { n8n, sim, log } = run;
	const pid = n8n.child.pid;
	const calls = executions * itemsPerExecution;
	const { workflowId, url } = await deployScenario(run, key, itemsPerExecution > 1);
	sim.reset();
	const numbers = Array.from({ length: calls }, () => String(15552000000 + run.nextNumber++));
	const bodies =
		itemsPerExecution > 1
			? [{ calls: numbers.map((to) => ({ to })) }]
			: numbers.map((to) => ({ to }));
	const rssIdleKb = await settledRssKb(pid);
	log(
		`call and wait (${key}): placing ${calls} calls in ${executions} execution(s), n8n RSS ${(rssIdleKb / 1024).toFixed(0)} MB`,
	);
	const placeMs = await placeCalls(run, { url, workflowId, bodies, calls, executions });
	const rssWaitingKb = await settledRssKb(pid);
	log(
		`  ${calls} calls waiting after ${(placeMs / 1000).toFixed(1)} s; n8n RSS ${(rssWaitingKb / 1024).toFixed(0)} MB; measuring dial_completed → speak`,
	);
	const dials = sim.dialsPlaced();
	const cpu0 = cpuMs(pid);
	const lat = await measureLatencies(
		{ ...run.urls, trigger: run.triggerUrl },
		dials,
		Math.min(CONFIG.warmup, Math.floor(dials.length / 10)),
	);
	const cpuMsPerRound = (cpuMs(pid) - cpu0) / dials.length;
	log(`  finishing ${calls} calls (speak_completed → hangup, call_completed)`);
	const finishMs = await finishAll(run, { workflowId, dials, executions });
	const verified = await verifyOutcomes(
		n8n,
		workflowId,
		new Map(dials.map((d) => [d.to, d])),
		calls,
	);
	const rssAfterKb = await settledRssKb(pid);
	await n8n.deactivate(workflowId);
	log(
		`  all ${calls} calls answered and ${verified.executions} execution(s) resumed with ${verified.items} acknowledged items; n8n RSS ${(rssAfterKb / 1024).toFixed(0)} MB`,
	);
	const latency = Object.fromEntries(
		Object.entries(lat).map(([name, values]) => [name, summarizeLatency(values)]),
	);
	return {
		key,
		executions,
		itemsPerExecution,
		calls,
		placeMs,
		finishMs,
		rss: { idleKb: rssIdleKb, waitingKb: rssWaitingKb, afterKb: rssAfterKb },
		verified,
		cpuMsPerRound,
		latency,
	};
}

module.exports = {
	scenario,
	deployScenario,
	placeCalls,
	verifyOutcomes,
	settledRssKb,
	countExecutions,
	until,
	summarizeLatency,
	outputOf,
};
