#!/usr/bin/env node
'use strict';
/**
 * Where the Call and Wait relay meets n8n's limits (issue #20, docs/scaling.md "Call and Wait: many calls at
 * once"): for one waiting execution of N items (LIMITS_ITEMS, default 20,50,100,200), every call's dial_completed
 * is posted to the Telesign Voice Trigger with C in flight (LIMITS_CONCURRENCY, default 1,8,16,32,N). A repeated
 * dial_completed is answered with the same prompt and changes nothing, so every (N, C) block posts the same events
 * to the same waiting execution. Per block: the relayed answers' p50/p99, how many were the call's prompt (the
 * others are the relay's hangup after n8n refused it), n8n's CPU per event, and how often n8n's own readiness
 * check (/healthz/readiness, polled every 250 ms during the block) said the database was not ready.
 *
 * `node bench/callAndWaitLimits.js` starts its own n8n on BENCH_PORT (default 5740). Not part of `npm run bench`.
 */
const axios = require('axios');
const { TelesignSimulator } = require('../test/simulator');
const { N8nServer } = require('../test/e2e/harness/n8n');
const wf = require('./lib/workflows');
const { ACCOUNT } = require('./lib/config');
const { cpuMs } = require('./lib/proc');
const { percentile } = require('./lib/stats');
const { pool } = require('./lib/pool');
const { MESSAGE } = require('./lib/callAndWait/config');
const { deployScenario, placeCalls, until } = require('./lib/callAndWait/scenario');
const { postEvent } = require('../test/simulator');

const env = process.env;
const list = (value, fallback) =>
	value ? value.split(',').map((v) => Number(v.trim())) : fallback;
const ITEMS = list(env.LIMITS_ITEMS, [20, 50, 100, 200]);
const CONCURRENCY = list(env.LIMITS_CONCURRENCY, [1, 8, 16, 32, 0]); // 0: all N at once
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dialCompleted = (d) =>
	JSON.stringify({
		event: 'dial_completed',
		reference_id: d.reference_id,
		external_id: d.external_id,
		data: { to: d.to, from: wf.CALLER_ID, status: 'answered' },
	});

/** Polls n8n's readiness while `during` runs: how many polls said not ready (503), of how many. */
async function watchReadiness(n8n, during) {
	let polls = 0;
	let notReady = 0;
	let done = false;
	const watcher = (async () => {
		while (!done) {
			const res = await axios
				.get(`${n8n.baseUrl}/healthz/readiness`, { timeout: 5000, validateStatus: () => true })
				.catch(() => ({ status: 0 }));
			polls++;
			if (res.status !== 200) notReady++;
			await delay(250);
		}
	})();
	try {
		return { result: await during(), polls: () => polls, notReady: () => notReady };
	} finally {
		done = true;
		await watcher;
	}
}

async function settle(n8n) {
	await until('n8n ready again', async () => {
		const res = await axios
			.get(`${n8n.baseUrl}/healthz/readiness`, { timeout: 5000, validateStatus: () => true })
			.catch(() => ({ status: 0 }));
		return { done: res.status === 200, seen: `readiness ${res.status}` };
	});
	await delay(2000);
}

async function block(run, dials, concurrency) {
	const pid = run.n8n.child.pid;
	const cpu0 = cpuMs(pid);
	const started = Date.now();
	const ms = [];
	let prompts = 0;
	let hangups = 0;
	let other = 0;
	const watched = await watchReadiness(run.n8n, () =>
		pool(dials, concurrency, async (d) => {
			const r = await postEvent(run.triggerUrl, dialCompleted(d), {
				...ACCOUNT,
				timeoutMs: 120_000,
			}).catch((e) => ({ status: 0, body: e.message, latencyMs: 0 }));
			ms.push(r.latencyMs);
			if (r.status === 200 && r.body.includes('"collect_digits"')) prompts++;
			else if (r.status === 200 && r.body.includes('"hangup"')) hangups++;
			else other++;
		}),
	);
	const wallMs = Date.now() - started;
	const cpu = (cpuMs(pid) - cpu0) / dials.length;
	return {
		prompts,
		hangups,
		other,
		p50: percentile(ms, 50),
		p99: percentile(ms, 99),
		max: Math.max(...ms),
		wallMs,
		cpuMsPerEvent: Math.round(cpu),
		notReady: watched.notReady(),
		polls: watched.polls(),
	};
}

async function main() {
	const port = Number(env.BENCH_PORT || 5740);
	const n8n = new N8nServer({ port, env: { N8N_LOG_LEVEL: env.N8N_LOG_LEVEL || 'warn' } });
	await n8n.start();
	const sim = new TelesignSimulator({ ownedNumbers: ['*'] });
	await sim.start({ port: 0, host: '127.0.0.1' });
	const lines = [
		'| items waiting | in flight | prompts / hangups / other | p50 | p99 | max | wall | n8n CPU per event | readiness polls not ready |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	try {
		const credential = await n8n.createCredential('Telesign (limits)', 'telesignVoiceApi', {
			...ACCOUNT,
			authMethod: 'basic',
			baseUrl: sim.url,
		});
		const trigger = await n8n.createWorkflow(wf.callAndWaitTriggerWorkflow(), {
			credentials: { telesignVoiceApi: credential },
		});
		const triggerUrl = n8n.webhookUrl(trigger.nodes.find((x) => x.type === wf.TRIGGER_TYPE));
		await n8n.waitForWebhook(triggerUrl);
		const run = { n8n, sim, credential, triggerUrl, nextNumber: 0 };
		for (const items of ITEMS) {
			const { workflowId, url } = await deployScenario(run, `limits-${items}-${Date.now()}`, true);
			sim.reset();
			const numbers = Array.from({ length: items }, () => String(15553000000 + run.nextNumber++));
			await placeCalls(run, {
				url,
				workflowId,
				bodies: [{ calls: numbers.map((to) => ({ to })) }],
				calls: items,
				executions: 1,
			});
			const dials = sim.dialsPlaced();
			for (const c of CONCURRENCY) {
				const concurrency = c === 0 ? items : c;
				await settle(n8n);
				const r = await block(run, dials, concurrency);
				const line = `| ${items} | ${concurrency} | ${r.prompts} / ${r.hangups} / ${r.other} | ${Math.round(r.p50)} ms | ${Math.round(r.p99)} ms | ${Math.round(r.max)} ms | ${(r.wallMs / 1000).toFixed(1)} s | ${r.cpuMsPerEvent} ms | ${r.notReady}/${r.polls} |`;
				lines.push(line);
				process.stderr.write(`${line}\n`);
			}
			await n8n.deactivate(workflowId);
		}
	} finally {
		await sim.stop();
		await n8n.stop().catch(() => undefined);
	}
	process.stdout.write(`\n${lines.join('\n')}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error.stack || error}\n`);
		process.exit(1);
	},
);
