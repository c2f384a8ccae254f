#!/usr/bin/env node
'use strict';
/**
 * Call → Call and Wait for Response in the benchmark: part of `npm run bench` (run.js calls measure() with its
 * n8n), or alone: `node bench/callAndWait.js` (starts its own n8n on BENCH_PORT, default 5710, and 5711 for the
 * task broker; BENCH_N8N_ENV: JSON of extra environment for it). See bench/README.md ("Call and Wait").
 *
 * Telesign is played by this file: the simulator (test/simulator) answers the dials (its event URL is unset, so
 * it posts nothing by itself), and the events of every call — dial_completed "answered", speak_completed with
 * key 1, call_completed — are posted here, signed as Telesign signs them, to the Telesign Voice Trigger, which
 * relays them to the waiting execution. So the bench decides when events arrive and can post the same client's
 * requests to the other pipelines between them.
 *
 * Two scenarios, each with every call waiting at once before any event is posted:
 *  - BENCH_CW_EXECUTIONS executions (default 200), each Webhook → Call and Wait with one call;
 *  - one execution of BENCH_CW_ITEMS items (default 250): Webhook → Split Out → Call and Wait.
 * In each: n8n's RSS idle, with every call waiting, and after every execution has resumed; then the latency of
 * dial_completed → speak action through the relay, interleaved (concurrency 1, one event of each pipeline in turn,
 * the order rotating) with the same event to "Webhook → Set" (the floor) and to "Telesign Voice Trigger → Respond
 * Speak" (today's path); then every call is finished (speak_completed with key 1 → hangup, call_completed) and each
 * execution's output is checked: one acknowledged item per call, for the number it called, in item order.
 */
const crypto = require('crypto');
const fs = require('fs');
const { TelesignSimulator, DEFAULT_ACCOUNT, postEvent } = require('../test/simulator');
const wf = require('./lib/workflows');
const { percentile, max, min } = require('./lib/stats');

const env = process.env;
const CONFIG = {
	executions: Number(env.BENCH_CW_EXECUTIONS || 200),
	items: Number(env.BENCH_CW_ITEMS || 250),
	warmup: 10,
	/** Requests in flight while the calls are placed and finished (not while latency is measured). */
	poolSize: 8,
	goalRatio: 2,
	goalWaiting: 200,
	waitTimeoutMs: 300_000,
};
const ACCOUNT = { customerId: DEFAULT_ACCOUNT.customerId, apiKey: DEFAULT_ACCOUNT.apiKey };
const MESSAGE = 'Disk full on db-1. Press 1 to acknowledge.';
const ACTION_TYPE = 'n8n-nodes-telesign-voice.telesignVoice';
const TRIGGER_TYPE = 'n8n-nodes-telesign-voice.telesignVoiceTrigger';
const CREDENTIAL_REF = { telesignVoiceApi: { id: 'set-by-bench', name: 'set-by-bench' } };

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssKb(pid) {
	try {
		const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** RSS after a short quiet time (n8n's GC cannot be forced from outside: the figure is what the OS reports). */
async function settledRssKb(pid) {
	await delay(3000);
	return rssKb(pid);
}

async function pool(items, size, task) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			await task(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

// ─────────────────────────── workflows ───────────────────────────

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

function linked(name, nodes) {
	const connections = {};
	nodes.forEach((n, i) => {
		n.position = [i * 220, 0];
		if (i + 1 < nodes.length) connections[n.name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Webhook (answers at once) [→ Split Out body.calls] → Call and Wait (key 1 acknowledges, no repeat). */
function callAndWaitWorkflow(key, { split }) {
	const webhook = node('Alert In', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: `bench-cw-${key}`, responseMode: 'onReceived', options: {} }, { webhookId: crypto.randomUUID() });
	const callAndWait = node(
		'Call and Wait',
		ACTION_TYPE,
		1,
		{
			resource: 'call',
			operation: 'sendAndWait',
			to: split ? '={{ $json.to }}' : '={{ $json.body.to }}',
			callerIdNumber: wf.CALLER_ID,
			message: MESSAGE,
			responseType: 'keyPress',
			maxDigits: 1,
			acknowledgeKey: '1',
			options: { repeatMessage: 0, limitWaitTime: { values: { limitType: 'afterTimeInterval', resumeAmount: 30, resumeUnit: 'minutes' } } },
		},
		{ credentials: CREDENTIAL_REF },
	);
	const split1 = node('Each Call', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.calls', include: 'noOtherFields', options: {} });
	return linked(`bench: call and wait (${key})`, split ? [webhook, split1, callAndWait] : [webhook, callAndWait]);
}

/** The account's event URL: relays the events of Call and Wait calls; its own workflow logs call_completed. */
function triggerWorkflow() {
	const trigger = node(
		'Telesign Events',
		TRIGGER_TYPE,
		1.1,
		{ events: ['call_completed'], authentication: 'telesignSignature', respond: 'immediately', options: {} },
		{ webhookId: crypto.randomUUID(), credentials: CREDENTIAL_REF },
	);
	return linked('bench: Telesign events (call and wait relay)', [trigger]);
}

// ─────────────────────────── events ───────────────────────────

/** Posts one event signed as Telesign signs it (a new connection per event, as the simulator does). */
async function post(url, body) {
	const r = await postEvent(url, body, { ...ACCOUNT, timeoutMs: 30_000 });
	return { ms: r.latencyMs, status: r.status, body: r.body };
}

function dialCompleted(dial) {
	const body = { event: 'dial_completed', reference_id: dial.reference_id };
	if (dial.external_id) body.external_id = dial.external_id;
	body.data = { to: dial.to, from: wf.CALLER_ID, status: 'answered' };
	return body;
}

const speakCompleted = (dial) => ({ event: 'speak_completed', reference_id: dial.reference_id, external_id: dial.external_id, data: { status: 'speak_successful', collected_digits: '1' } });
const callCompleted = (dial) => ({
	event: 'call_completed',
	reference_id: dial.reference_id,
	external_id: dial.external_id,
	data: { status: 'hangup', duration: 4, answered_on_utc: '2026-01-01T00:00:01.000', ended_on_utc: '2026-01-01T00:00:05.000', to: dial.to, from: wf.CALLER_ID, direction: 'outbound' },
});

function expectAnswer(what, r, check) {
	if (r.status !== 200 || !check(r.body)) throw new Error(`${what}: HTTP ${r.status} ${String(r.body).slice(0, 300)}`);
}
const isPrompt = (body) => body.includes('"method":"speak"') && body.includes('"collect_digits"');
const isSpeak = (body) => body.includes('"method":"speak"');
const isHangup = (body) => body.includes('"method":"hangup"');

/**
 * dial_completed of every call (after `warmup` of them), each followed by the same event to the other
 * pipelines, one request at a time, the order rotating. Latencies per pipeline, in ms.
 */
async function measureLatencies(urls, dials, warmup) {
	const lat = { floor: [], respond: [], callAndWait: [] };
	const floorEvent = (i) => dialCompleted({ reference_id: `BENCHCW${String(i).padStart(25, '0')}`, to: '15552000000' });
	const steps = {
		floor: async (i) => {
			const r = await post(urls.floor, floorEvent(i));
			expectAnswer('Webhook → Set', r, isSpeak);
			return r.ms;
		},
		respond: async (i) => {
			const r = await post(urls.respond, floorEvent(i));
			expectAnswer('Telesign Voice Trigger → Respond Speak', r, isSpeak);
			return r.ms;
		},
		callAndWait: async (i) => {
			const r = await post(urls.trigger, dialCompleted(dials[i]));
			expectAnswer(`Call and Wait, dial_completed of ${dials[i].to}`, r, isPrompt);
			return r.ms;
		},
	};
	const names = Object.keys(steps);
	for (let i = 0; i < dials.length; i++) {
		const order = names.map((_, k) => names[(k + i) % names.length]);
		for (const name of order) {
			const ms = await steps[name](i);
			if (i >= warmup) lat[name].push(ms);
		}
	}
	return lat;
}

/** speak_completed (key 1) → hangup, then call_completed, for every call. */
async function finishCalls(triggerUrl, dials) {
	await pool(dials, CONFIG.poolSize, async (dial) => {
		expectAnswer(`Call and Wait, speak_completed of ${dial.to}`, await post(triggerUrl, speakCompleted(dial)), isHangup);
		const done = await post(triggerUrl, callCompleted(dial));
		expectAnswer(`Call and Wait, call_completed of ${dial.to}`, done, () => true);
	});
}

// ─────────────────────────── n8n ───────────────────────────

async function countExecutions(n8n, workflowId, status) {
	let count = 0;
	let cursor;
	for (let page = 0; page < 100; page++) {
		const qs = new URLSearchParams({ workflowId: String(workflowId), status, includeData: 'false', limit: '250' });
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
		if (Date.now() - started > CONFIG.waitTimeoutMs) throw new Error(`${what}: not reached after ${CONFIG.waitTimeoutMs} ms (${state.seen})`);
		await delay(250);
	}
}

function outputOf(execution) {
	const runs = execution.data?.resultData?.runData?.['Call and Wait'];
	return runs?.[runs.length - 1]?.data?.main?.[0] ?? [];
}

/** Every execution resumed once with one acknowledged item per call, for the number it called, in item order. */
async function verifyOutcomes(n8n, workflowId, dialsByTo, expectedItems) {
	const executions = await n8n.executions(workflowId, { includeData: true });
	let items = 0;
	for (const execution of executions) {
		if (execution.status !== 'success') throw new Error(`execution ${execution.id}: ${execution.status}`);
		const input = execution.data.resultData.runData['Alert In'][0].data.main[0][0].json.body;
		const expected = input.calls ? input.calls.map((c) => c.to) : [input.to];
		const output = outputOf(execution);
		if (output.length !== expected.length) throw new Error(`execution ${execution.id}: ${output.length} items out for ${expected.length} calls`);
		output.forEach((item, i) => {
			const j = item.json;
			const dial = dialsByTo.get(expected[i]);
			const ok = j.to === expected[i] && j.answered === true && j.acknowledged === true && j.digits === '1' && j.status === 'hangup' && j.reference_id === dial?.reference_id && item.pairedItem?.item === i;
			if (!ok) throw new Error(`execution ${execution.id}, item ${i}: ${JSON.stringify({ ...j, events: undefined, pairedItem: item.pairedItem })}`);
		});
		items += output.length;
	}
	if (items !== expectedItems) throw new Error(`${items} outcome items for ${expectedItems} calls`);
	return { executions: executions.length, items };
}

function summarizeLatency(values) {
	return { n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), min: min(values), max: max(values) };
}

/** One scenario: place the calls, hold them, measure, finish, verify. */
async function scenario(env_, { key, executions, itemsPerExecution }) {
	const { n8n, sim, log, urls } = env_;
	const pid = n8n.child.pid;
	const calls = executions * itemsPerExecution;
	const created = await n8n.createWorkflow(callAndWaitWorkflow(key, { split: itemsPerExecution > 1 }), { credentials: { telesignVoiceApi: env_.credential } });
	const url = `${n8n.baseUrl}/webhook/bench-cw-${key}`;
	await n8n.waitForWebhook(url);
	sim.reset();
	const numbers = Array.from({ length: calls }, (_, i) => String(15552000000 + env_.nextNumber++));
	const bodies = itemsPerExecution > 1 ? [{ calls: numbers.map((to) => ({ to })) }] : numbers.map((to) => ({ to }));
	const rssIdleKb = await settledRssKb(pid);
	log(`call and wait (${key}): placing ${calls} calls in ${executions} execution(s), n8n RSS ${(rssIdleKb / 1024).toFixed(0)} MB`);
	const placeStarted = Date.now();
	await pool(bodies, CONFIG.poolSize, async (body) => {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
	});
	await until(`${calls} calls dialled and ${executions} execution(s) waiting`, async () => {
		const dialled = sim.dialsPlaced().length;
		const waiting = dialled === calls ? await countExecutions(n8n, created.id, 'waiting') : 0;
		return { done: dialled === calls && waiting === executions, seen: `${dialled} dialled, ${waiting} waiting` };
	});
	const placeMs = Date.now() - placeStarted;
	const rssWaitingKb = await settledRssKb(pid);
	log(`  ${calls} calls waiting after ${(placeMs / 1000).toFixed(1)} s; n8n RSS ${(rssWaitingKb / 1024).toFixed(0)} MB; measuring dial_completed → speak`);
	const dials = sim.dialsPlaced();
	const cpu0 = cpuMs(pid);
	const lat = await measureLatencies({ ...urls, trigger: env_.triggerUrl }, dials, Math.min(CONFIG.warmup, Math.floor(dials.length / 10)));
	const cpuPerRound = (cpuMs(pid) - cpu0) / dials.length;
	log(`  finishing ${calls} calls (speak_completed → hangup, call_completed)`);
	const finishStarted = Date.now();
	await finishCalls(env_.triggerUrl, dials);
	await until(`${executions} execution(s) resumed`, async () => {
		const success = await countExecutions(n8n, created.id, 'success');
		return { done: success === executions, seen: `${success} succeeded` };
	});
	const finishMs = Date.now() - finishStarted;
	const verified = await verifyOutcomes(n8n, created.id, new Map(dials.map((d) => [d.to, d])), calls);
	const rssAfterKb = await settledRssKb(pid);
	await n8n.deactivate(created.id);
	log(`  all ${calls} calls answered and ${verified.executions} execution(s) resumed with ${verified.items} acknowledged items; n8n RSS ${(rssAfterKb / 1024).toFixed(0)} MB`);
	return {
		key,
		executions,
		itemsPerExecution,
		calls,
		placeMs,
		finishMs,
		rss: { idleKb: rssIdleKb, waitingKb: rssWaitingKb, afterKb: rssAfterKb },
		verified,
		cpuMsPerRound: cpuPerRound,
		latency: Object.fromEntries(Object.entries(lat).map(([name, values]) => [name, summarizeLatency(values)])),
	};
}

const TICK_MS = 10;
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
	} catch {
		return NaN;
	}
}

/** The floor and today's trigger → Respond path: run.js's event pipelines when it made them, else made here. */
async function eventPipelines(n8n, credential, made = {}) {
	const urls = {};
	if (made.builtin) urls.floor = made.builtin;
	else {
		const w = await n8n.createWorkflow(wf.builtinEventWorkflow(), {});
		urls.floor = `${n8n.baseUrl}/webhook/${w.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path}`;
	}
	if (made.telesign) urls.respond = made.telesign;
	else {
		const w = await n8n.createWorkflow(wf.telesignEventWorkflow(), { credentials: { telesignVoiceApi: credential } });
		urls.respond = n8n.webhookUrl(w.nodes.find((n) => n.type === TRIGGER_TYPE));
	}
	for (const url of Object.values(urls)) await n8n.waitForWebhook(url);
	return urls;
}

/**
 * Runs both scenarios in a running n8n (the N8nServer of the harness). `ctx.eventWorkflows` (run.js): the event
 * pipelines already made there, reused. Returns the report that rows() turns into table rows.
 */
async function measure(ctx, log = (m) => process.stderr.write(`[bench call and wait] ${m}\n`)) {
	const { n8n } = ctx;
	const sim = new TelesignSimulator({ ownedNumbers: ['*'] });
	await sim.start({ port: 0, host: '127.0.0.1' });
	try {
		const credential = await n8n.createCredential('Telesign (bench call and wait)', 'telesignVoiceApi', { ...ACCOUNT, authMethod: 'basic', baseUrl: sim.url });
		const trigger = await n8n.createWorkflow(triggerWorkflow(), { credentials: { telesignVoiceApi: credential } });
		const triggerUrl = n8n.webhookUrl(trigger.nodes.find((n) => n.type === TRIGGER_TYPE));
		await n8n.waitForWebhook(triggerUrl);
		const urls = await eventPipelines(n8n, credential, ctx.eventWorkflows);
		const env_ = { n8n, sim, log, urls, credential, triggerUrl, nextNumber: 0 };
		const results = [];
		results.push(await scenario(env_, { key: 'executions', executions: CONFIG.executions, itemsPerExecution: 1 }));
		results.push(await scenario(env_, { key: 'items', executions: 1, itemsPerExecution: CONFIG.items }));
		await n8n.deactivate(trigger.id);
		return { config: CONFIG, results };
	} finally {
		await sim.stop();
	}
}

// ─────────────────────────── report ───────────────────────────

const fmtMs = (ms) => (!Number.isFinite(ms) ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtMb = (kb) => (kb === undefined ? '–' : `${(kb / 1024).toFixed(0)} MB`);
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

/** Rows in run.js's table (Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | RSS | Check). */
function rows(report, row, targets) {
	for (const r of report.results) {
		const shape = r.itemsPerExecution > 1 ? `1 execution × ${r.calls} calls` : `${r.executions} executions × 1 call`;
		const sec = `Call and Wait · ${shape} waiting · ${r.latency.floor.n} events each · concurrency 1`;
		const floor = r.latency.floor;
		const line = (setting, l, ratio, check = '', { cpu = '', rss = '(same run)' } = {}) =>
			row([sec, setting, `p50 ${fmtMs(l.p50)} · p99 ${fmtMs(l.p99)}`, `${fmtMs(l.min)}–${fmtMs(l.max)}`, '', ratio, cpu, rss, check]);
		line('Webhook → Set (floor), same client, interleaved', floor, '1.00×', '', { rss: fmtMb(r.rss.waitingKb) });
		const respond = r.latency.respond;
		line('Telesign Voice Trigger → Respond Speak (today\'s path)', respond, `p50 ${fmtX(respond.p50 / floor.p50)} · p99 ${fmtX(respond.p99 / floor.p99)}`);
		const cw = r.latency.callAndWait;
		const ratio = cw.p50 / floor.p50;
		const ok = ratio <= CONFIG.goalRatio;
		targets.push({ target: `Call and Wait: dial_completed → speak p50 ≤ ${CONFIG.goalRatio}× Webhook → Set — ${shape} waiting`, value: fmtX(ratio), met: ok });
		line(
			'Call and Wait: dial_completed → Trigger → relay → waiting node → speak + collect_digits',
			cw,
			`**p50 ${fmtX(ratio)}** · p99 ${fmtX(cw.p99 / floor.p99)} · ${fmtX(cw.p50 / respond.p50)} Respond`,
			`${ok ? '✅' : '❌'} ≤${CONFIG.goalRatio}×`,
			{ cpu: `${fmtMs(r.cpuMsPerRound)}/round of 3 events` },
		);
		const held = r.calls >= CONFIG.goalWaiting && r.verified.items === r.calls;
		targets.push({ target: `Calls waiting at once in one n8n ≥ ${CONFIG.goalWaiting}, each answered and resumed — ${shape}`, value: `${r.verified.items}/${r.calls}`, met: held });
		row([
			sec,
			`Held: ${r.calls} calls dialled and waiting (placed in ${fmtMs(r.placeMs)}); then all finished (${fmtMs(r.finishMs)}): ${r.verified.executions} execution(s) resumed, ${r.verified.items} acknowledged items checked`,
			`${r.calls} waiting`,
			'',
			'',
			'',
			'',
			`RSS idle ${fmtMb(r.rss.idleKb)} → all waiting ${fmtMb(r.rss.waitingKb)} → all resumed ${fmtMb(r.rss.afterKb)}`,
			`${held ? '✅' : '❌'} ≥${CONFIG.goalWaiting}, all answered`,
		]);
	}
}

module.exports = { measure, rows, CONFIG };

// ─────────────────────────── alone: node bench/callAndWait.js ───────────────────────────

if (require.main === module) {
	const { N8nServer } = require('../test/e2e/harness/n8n');
	const port = Number(env.BENCH_PORT || 5710);
	const extraEnv = env.BENCH_N8N_ENV ? JSON.parse(env.BENCH_N8N_ENV) : {}; // e.g. {"N8N_EXPRESSION_ENGINE":"legacy"}
	const n8n = new N8nServer({ port, env: { N8N_LOG_LEVEL: env.N8N_LOG_LEVEL || 'warn', N8N_RUNNERS_BROKER_PORT: String(port + 1), ...extraEnv } });
	const stop = () => n8n.stop().catch(() => undefined);
	for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop().finally(() => process.exit(130)));
	const limit = setTimeout(() => {
		process.stderr.write('call and wait bench: 30-minute limit reached\n');
		stop().finally(() => process.exit(2));
	}, 30 * 60_000);
	limit.unref();
	(async () => {
		await n8n.start();
		const report = await measure({ n8n });
		const lines = ['| Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | Peak RSS n8n (growth in the run) | Check |', '|---|---|---:|---:|---:|---:|---:|---:|---|'];
		const targets = [];
		rows(report, (cells) => lines.push(`| ${cells.join(' | ')} |`), targets);
		lines.push('', ...targets.map((t) => `- ${t.met ? '✅ met' : '❌ missed'}: ${t.target} — ${t.value}`));
		process.stdout.write(`\n${lines.join('\n')}\n`);
		fs.mkdirSync(`${__dirname}/.out`, { recursive: true });
		fs.writeFileSync(`${__dirname}/.out/callAndWait-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify(report, null, 1));
	})()
		.then(stop, async (error) => {
			process.stderr.write(`call and wait bench failed: ${error.stack || error}\n`);
			await stop();
			process.exitCode = 1;
		})
		.finally(() => process.exit());
}
