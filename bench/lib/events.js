'use strict';
/**
 * Event answering: the pipelines an event can go through in n8n (the Telesign trigger and n8n's own webhooks)
 * and the measurement that posts signed events to them, interleaved. See bench/README.md, part 2.
 */
const wf = require('./workflows');
const { ACCOUNT, HEADER_AUTH, SPEAK_CHECK } = require('./config');
const { procStatus, resetPeakRss, cpuMs } = require('./proc');
const { percentile, max } = require('./stats');
const { log } = require('./log');

const EVENT_PIPELINES = {
	builtin: { label: 'Webhook → Set (built-in, last-node response)' },
	telesign: { label: 'Telesign Voice Trigger (signature on) → Respond Speak' },
	'builtin-auth': {
		label: 'Webhook **with Header Auth** → Set (n8n reads a credential per request)',
	},
	'telesign-noauth': { label: 'Telesign Voice Trigger, **authentication None** → Respond Speak' },
	'telesign-v1': {
		label: 'Telesign Voice Trigger **typeVersion 1** (signature on) → Respond Speak',
	},
	'telesign-patched': {
		label:
			'Telesign Voice Trigger (signature on) in an n8n **without the webhook-phase isolate** (patched as proposed, second n8n) → Respond Speak',
	},
	'telesign-nocache': {
		label:
			'Telesign Voice Trigger (signature on) **without the credential cache** (bench build, second n8n) → Respond Speak',
	},
};

const webhookUrlOf = (n8n, workflow) =>
	`${n8n.baseUrl}/webhook/${workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path}`;
const triggerUrlOf = (n8n, workflow) =>
	n8n.webhookUrl(
		workflow.nodes.find((n) => n.type === 'n8n-nodes-telesign-voice.telesignVoiceTrigger'),
	);

/** Creates and activates the workflow of one pipeline; returns its webhook URL. */
async function createEventPipeline(n8n, name, telesignCredential) {
	if (name === 'builtin')
		return webhookUrlOf(n8n, await n8n.createWorkflow(wf.builtinEventWorkflow(), {}));
	if (name === 'builtin-auth') {
		const credential = await n8n.createCredential(
			'Bench header auth',
			'httpHeaderAuth',
			HEADER_AUTH,
		);
		return webhookUrlOf(
			n8n,
			await n8n.createWorkflow(wf.builtinEventWorkflow(true), {
				credentials: { httpHeaderAuth: credential },
			}),
		);
	}
	const options = {
		telesign: {},
		'telesign-noauth': { authentication: 'none' },
		'telesign-v1': { typeVersion: 1 },
	}[name];
	return triggerUrlOf(
		n8n,
		await n8n.createWorkflow(wf.telesignEventWorkflow(options), {
			credentials: { telesignVoiceApi: telesignCredential },
		}),
	);
}

/**
 * Creates and activates the workflows of the named pipelines (once per n8n: `created` remembers them);
 * returns {name: webhook URL}.
 */
async function createEventPipelines(n8n, names, telesignCredential, created = {}) {
	const urls = {};
	for (const name of names) {
		if (created[name]) {
			urls[name] = created[name];
			continue;
		}
		urls[name] = await createEventPipeline(n8n, name, telesignCredential);
		await n8n.waitForWebhook(urls[name]);
		created[name] = urls[name];
	}
	return urls;
}

function chunk(values, size) {
	const out = [];
	for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
	return out;
}

/** One pipeline's figures from what measureEvents accumulated for it. */
function eventResult(name, a, { concurrency, block, peakRssKb }) {
	// A lost answer is a result, not a reason to lose the run: it is reported in the table's Check column.
	if (a.failures > 0)
		log(`events via ${name}: ${a.failures} failed answers, first: ${a.firstFailure}`);
	return {
		failures: a.failures,
		firstFailure: a.firstFailure,
		pipeline: name,
		concurrency,
		n: a.latencies.length,
		p50: percentile(a.latencies, 50),
		p90: percentile(a.latencies, 90),
		p99: percentile(a.latencies, 99),
		max: max(a.latencies),
		perSecond: (a.latencies.length / a.busyMs) * 1000,
		cpuMsPerEvent: a.cpuMs / a.latencies.length,
		peakRssKb,
		// p50 of each block, to show the spread within the run
		blockP50: chunk(a.latencies, block).map((b) => percentile(b, 50)),
	};
}

/**
 * Posts `total` events to every pipeline in interleaved blocks (A-block, B-block, …, then the next blocks), at
 * `concurrency`, after `warmup` events each. Returns per pipeline: latency percentiles, throughput while its
 * blocks ran, and n8n's CPU time (all threads) per event.
 */
async function measureEvents(ctx, n8n, urls, { concurrency, total, block, warmup }, pids = {}) {
	const names = Object.keys(urls);
	const common = {
		concurrency,
		account: ACCOUNT,
		extraHeaders: { [HEADER_AUTH.name]: HEADER_AUTH.value },
		check: SPEAK_CHECK,
	};
	const acc = Object.fromEntries(
		names.map((n) => [
			n,
			{ latencies: [], busyMs: 0, cpuMs: 0, failures: 0, firstFailure: undefined },
		]),
	);
	const pid = n8n.child.pid;
	// CPU of the process that answers the pipeline (another n8n for some pipelines: `pids`).
	const pidOf = (name) => pids[name] || pid;
	const run = async (name, offset, count, measure) => {
		const cpu0 = cpuMs(pidOf(name));
		const r = await ctx.loadgen.call(
			'events',
			{ ...common, url: urls[name], offset, count },
			900_000,
		);
		if (!measure) return;
		const a = acc[name];
		a.cpuMs += cpuMs(pidOf(name)) - cpu0;
		a.latencies.push(...r.latencies);
		a.busyMs += r.wallMs;
		a.failures += r.failures;
		a.firstFailure = a.firstFailure || r.firstFailure;
	};
	for (const name of names) await run(name, 0, warmup, false);
	const rssOk = resetPeakRss(pid);
	for (let offset = 0; offset < total; offset += block) {
		for (const name of names)
			await run(name, warmup + offset, Math.min(block, total - offset), true);
	}
	const peakRssKb = rssOk ? procStatus(pid, 'VmHWM') : undefined;
	await ctx.loadgen.call('closeAgents');
	return names.map((name) => eventResult(name, acc[name], { concurrency, block, peakRssKb }));
}

module.exports = { EVENT_PIPELINES, createEventPipelines, measureEvents };
