#!/usr/bin/env node
'use strict';
/**
 * Call → Call and Wait for Response in the benchmark: part of `npm run bench` (run.js calls measure() with its
 * n8n), or alone: `node bench/callAndWait.js` (starts its own n8n on BENCH_PORT, default 5710, and 5711 for the
 * task broker; BENCH_N8N_ENV: JSON of extra environment for it). See bench/README.md ("Call and Wait").
 *
 * Telesign is played by this part: the simulator (test/simulator) answers the dials (its event URL is unset, so
 * it posts nothing by itself), and the events of every call — dial_completed "answered", speak_completed with
 * key 1, call_completed — are posted by lib/callAndWait/telesign.js, signed as Telesign signs them, to the
 * Telesign Voice Trigger, which relays them to the waiting execution. So the bench decides when events arrive and
 * can post the same client's requests to the other pipelines between them.
 *
 * Four scenarios, each with every call waiting at once before any event is posted (BENCH_CW_PARTS selects;
 * `--burst` and `--escalation` run one alone). The first two (lib/callAndWait/scenario.js):
 *  - `executions`: BENCH_CW_EXECUTIONS executions (default 200), each Webhook → Call and Wait with one call;
 *  - `items`: one execution of BENCH_CW_ITEMS items (default 250): Webhook → Split Out → Call and Wait.
 * In each: n8n's RSS idle, with every call waiting, and after every execution has resumed; then the latency of
 * dial_completed → speak action through the relay, interleaved (concurrency 1, one event of each pipeline in turn,
 * the order rotating) with the same event to "Webhook → Set" (the floor) and to "Telesign Voice Trigger → Respond
 * Speak" (today's path); then every call is finished (speak_completed with key 1 → hangup, call_completed) and each
 * execution's output is checked: one acknowledged item per call, for the number it called, in item order.
 *  - `escalation` (lib/callAndWait/escalation.js, `--escalation` alone): BENCH_CW_CHAINS on-call lists (default
 *    200 executions of one chain of BENCH_CW_CHAIN_LENGTH numbers, One After Another) waiting; per chain, the
 *    first call ends unacknowledged and the time from its call_completed to the next person's dial request at
 *    the simulator is measured beside Webhook → Set; then every chain's outcome and dials are checked.
 *  - `burst` (lib/callAndWait/burst.js): the same events with 16 in flight (BENCH_CW_BURST_CONCURRENCY), each
 *    relay block interleaved with blocks of the same size to Webhook → Set and to Trigger → Respond Speak;
 *    relayed answers' p50/p99 and n8n's CPU per event for each path.
 */
const fs = require('fs');
const os = require('os');
const { TelesignSimulator } = require('../test/simulator');
const wf = require('./lib/workflows');
const { ACCOUNT } = require('./lib/config');
const { TABLE_HEADER, targetLines } = require('./lib/format');
const { loadAverage } = require('./lib/proc');
const { CONFIG } = require('./lib/callAndWait/config');
const { scenario } = require('./lib/callAndWait/scenario');
const { burstScenario } = require('./lib/callAndWait/burst');
const { escalationScenario } = require('./lib/callAndWait/escalation');
const { rows } = require('./lib/callAndWait/rows');

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
		const w = await n8n.createWorkflow(wf.telesignEventWorkflow(), {
			credentials: { telesignVoiceApi: credential },
		});
		urls.respond = n8n.webhookUrl(w.nodes.find((n) => n.type === wf.TRIGGER_TYPE));
	}
	for (const url of Object.values(urls)) await n8n.waitForWebhook(url);
	return urls;
}

/** The trigger at the account's event URL, which relays the calls' events to the waiting executions. */
async function deployRelayTrigger(n8n, credential) {
	const trigger = await n8n.createWorkflow(wf.callAndWaitTriggerWorkflow(), {
		credentials: { telesignVoiceApi: credential },
	});
	const triggerUrl = n8n.webhookUrl(trigger.nodes.find((n) => n.type === wf.TRIGGER_TYPE));
	await n8n.waitForWebhook(triggerUrl);
	return { id: trigger.id, url: triggerUrl };
}

/**
 * Runs the selected scenarios (CONFIG.scenarios) in a running n8n (the N8nServer of the harness). `ctx.eventWorkflows` (run.js): the event
 * pipelines already made there, reused. Returns the report that rows() turns into table rows.
 */
async function measure(ctx, log = (m) => process.stderr.write(`[bench call and wait] ${m}\n`)) {
	const { n8n } = ctx;
	const sim = new TelesignSimulator({ ownedNumbers: ['*'] });
	await sim.start({ port: 0, host: '127.0.0.1' });
	try {
		const credential = await n8n.createCredential(
			'Telesign (bench call and wait)',
			'telesignVoiceApi',
			{ ...ACCOUNT, authMethod: 'basic', baseUrl: sim.url },
		);
		const trigger = await deployRelayTrigger(n8n, credential);
		const urls = await eventPipelines(n8n, credential, ctx.eventWorkflows);
		const run = { n8n, sim, log, urls, credential, triggerUrl: trigger.url, nextNumber: 0 };
		const has = (key) => CONFIG.scenarios.includes(key);
		const results = [];
		if (has('executions'))
			results.push(
				await scenario(run, {
					key: 'executions',
					executions: CONFIG.executions,
					itemsPerExecution: 1,
				}),
			);
		if (has('items'))
			results.push(
				await scenario(run, { key: 'items', executions: 1, itemsPerExecution: CONFIG.items }),
			);
		const escalation = has('escalation') ? await escalationScenario(run) : undefined;
		const burst = has('burst') ? await burstScenario(run) : undefined;
		await n8n.deactivate(trigger.id);
		return { config: CONFIG, results, escalation, burst };
	} finally {
		await sim.stop();
	}
}

module.exports = { measure, rows, CONFIG };

// ─────────────────────── alone: node bench/callAndWait.js [--burst | --escalation] ───────────────────────

/** Prints this part's table and targets, and keeps the raw report in bench/.out. */
function publishAlone(report, started) {
	const run = `**Run:** ${started.date} · ${os.cpus().length} CPUs · load average at start ${started.load}, at end ${loadAverage()} · ${((Date.now() - started.ms) / 60_000).toFixed(1)} min`;
	const lines = [run, '', ...TABLE_HEADER];
	const targets = [];
	rows(report, (cells) => lines.push(`| ${cells.join(' | ')} |`), targets);
	lines.push('', ...targetLines(targets));
	process.stdout.write(`\n${lines.join('\n')}\n`);
	fs.mkdirSync(`${__dirname}/.out`, { recursive: true });
	fs.writeFileSync(
		`${__dirname}/.out/callAndWait-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
		JSON.stringify(report, null, 1),
	);
}

function runAlone() {
	const env = process.env;
	if (process.argv.includes('--burst')) CONFIG.scenarios = ['burst'];
	if (process.argv.includes('--escalation')) CONFIG.scenarios = ['escalation'];
	const { N8nServer } = require('../test/e2e/harness/n8n');
	const port = Number(env.BENCH_PORT || 5710);
	const extraEnv = env.BENCH_N8N_ENV ? JSON.parse(env.BENCH_N8N_ENV) : {}; // e.g. {"N8N_EXPRESSION_ENGINE":"legacy"}
	const n8n = new N8nServer({
		port,
		env: {
			N8N_LOG_LEVEL: env.N8N_LOG_LEVEL || 'warn',
			N8N_RUNNERS_BROKER_PORT: String(port + 1),
			...extraEnv,
		},
	});
	const stop = () => n8n.stop().catch(() => undefined);
	for (const signal of ['SIGINT', 'SIGTERM'])
		process.once(signal, () => stop().finally(() => process.exit(130)));
	const limit = setTimeout(() => {
		process.stderr.write('call and wait bench: 30-minute limit reached\n');
		stop().finally(() => process.exit(2));
	}, 30 * 60_000);
	limit.unref();
	const started = {
		ms: Date.now(),
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		load: loadAverage(),
	};
	(async () => {
		await n8n.start();
		publishAlone(await measure({ n8n }), started);
	})()
		.then(stop, async (error) => {
			process.stderr.write(`call and wait bench failed: ${error.stack || error}\n`);
			await stop();
			process.exitCode = 1;
		})
		.finally(() => process.exit());
}

if (require.main === module) runAlone();
