'use strict';
/**
 * The event-answering parts of the bench, each a set of pipelines measured side by side: `events` (the
 * targets), `diagnostics`, `patched`, `legacy`, `lazy` (second n8n processes with other settings) and `queue`
 * (a queue-mode cluster). See bench/README.md, part 2.
 */
const path = require('path');

const { startCluster, stopCluster } = require('../../test/queue/harness/cluster');
const { noCacheTarball } = require('./variant');
const { CONFIG } = require('./config');
const { owned, startN8n, stopN8n, createTelesignCredential } = require('./lifecycle');
const { createEventPipelines, measureEvents } = require('./events');
const { loadAverage } = require('./proc');
const { log } = require('./log');

/**
 * The trigger with and without its credential cache beside n8n's Webhook → Set and Webhook with Header Auth,
 * interleaved. "Without the cache" is the bench build of the package (lib/variant.js) in a second n8n, started
 * alongside the first; each pipeline's CPU is that of the n8n process answering it.
 */
async function eventPhase(ctx) {
	const urls = await createEventPipelines(
		ctx.n8n,
		['builtin', 'builtin-auth', 'telesign'],
		ctx.credential,
		ctx.eventWorkflows,
	);
	const noCache = await startN8n(CONFIG.port + 4, {}, { tarball: noCacheTarball(ctx.tarball) });
	try {
		const credential = await createTelesignCredential(noCache, ctx.simUrl, 'basic');
		urls['telesign-nocache'] = (
			await createEventPipelines(noCache, ['telesign'], credential)
		).telesign;
		const results = [];
		for (const concurrency of CONFIG.events.concurrencies) {
			log(
				`event answering, concurrency ${concurrency}: ${CONFIG.events.total} events per pipeline, interleaved (load average ${loadAverage()})`,
			);
			results.push(
				...(await measureEvents(
					ctx,
					ctx.n8n,
					urls,
					{ concurrency, ...CONFIG.events },
					{ 'telesign-nocache': noCache.child.pid },
				)),
			);
		}
		return results;
	} finally {
		await stopN8n(noCache);
	}
}

async function diagnosticsPhase(ctx) {
	const names = [
		'builtin',
		'builtin-auth',
		'telesign-noauth',
		'telesign',
		...(process.env.BENCH_TRIGGER_V1 === '1' ? ['telesign-v1'] : []),
	];
	const urls = await createEventPipelines(ctx.n8n, names, ctx.credential, ctx.eventWorkflows);
	const d = CONFIG.diagnostics;
	log(
		`event answering diagnostics: ${names.join(', ')} (${d.total} events each, concurrency ${d.concurrency})`,
	);
	return await measureEvents(ctx, ctx.n8n, urls, d);
}

/**
 * The event pipelines again in a second n8n with another expression-engine setting: `legacy` (no V8 isolates
 * at all) or lazy isolate acquisition (an isolate only when something is evaluated), which shows what the
 * webhook phase's eager isolate costs the trigger — the gain of the change request in RESULTS.md.
 */
async function enginePhase(ctx, engineEnv, description) {
	const n8n = await startN8n(CONFIG.port + 2, engineEnv);
	try {
		const credential = await createTelesignCredential(n8n, ctx.simUrl, 'basic');
		const urls = await createEventPipelines(
			n8n,
			['builtin', 'builtin-auth', 'telesign-noauth', 'telesign'],
			credential,
		);
		const results = [];
		for (const concurrency of CONFIG.legacy.concurrencies) {
			log(
				`event answering with ${description}, concurrency ${concurrency}: ${CONFIG.legacy.total} events per pipeline`,
			);
			results.push(...(await measureEvents(ctx, n8n, urls, { concurrency, ...CONFIG.legacy })));
		}
		return results;
	} finally {
		await stopN8n(n8n);
	}
}

/**
 * The change request of RESULTS.md, measured: the trigger in a throwaway n8n whose webhookPhaseNeedsIsolate
 * no longer tests the node type (lib/webhook-isolate-patch.js, preloaded; nothing on disk changes), interleaved
 * with the main n8n's pipelines. Only the webhook phase differs between the two trigger rows.
 */
async function patchedPhase(ctx) {
	const patch = path.join(__dirname, 'webhook-isolate-patch.js');
	const patched = await startN8n(CONFIG.port + 4, { NODE_OPTIONS: `--require ${patch}` });
	try {
		if (!/\[bench patch\]/.test(patched.tail(400)))
			throw new Error(`the patch did not load in ${patched.logPath}`);
		const credential = await createTelesignCredential(patched, ctx.simUrl, 'basic');
		const urls = await createEventPipelines(
			ctx.n8n,
			['builtin', 'builtin-auth', 'telesign'],
			ctx.credential,
			ctx.eventWorkflows,
		);
		urls['telesign-patched'] = (
			await createEventPipelines(patched, ['telesign'], credential)
		).telesign;
		const d = CONFIG.legacy;
		const results = [];
		for (const concurrency of d.concurrencies) {
			log(
				`event answering, n8n patched (no webhook-phase isolate for this trigger) vs unpatched, concurrency ${concurrency}: ${d.total} events per pipeline`,
			);
			results.push(
				...(await measureEvents(
					ctx,
					ctx.n8n,
					urls,
					{ ...d, concurrency },
					{ 'telesign-patched': patched.child.pid },
				)),
			);
		}
		return results;
	} finally {
		await stopN8n(patched);
	}
}

const legacyPhase = (ctx) =>
	enginePhase(ctx, { N8N_EXPRESSION_ENGINE: 'legacy' }, 'N8N_EXPRESSION_ENGINE=legacy');
const lazyPhase = (ctx) =>
	enginePhase(
		ctx,
		{ N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
		'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
	);

/**
 * Queue mode (test/queue/harness/cluster.js: main + one webhook processor + 2 workers on Postgres and Redis,
 * the recommended queue settings): events posted to the webhook processor; events/s is what one webhook
 * processor sustains at this concurrency, CPU is the webhook processor's per event (the workers run the rest).
 */
async function queuePhase(ctx) {
	const { state, servers } = await startCluster({ basePort: CONFIG.port + 10 });
	owned.clusters.add(servers);
	try {
		const [main, webhook] = servers;
		const credential = await createTelesignCredential(main, ctx.simUrl, 'basic');
		const atMain = await createEventPipelines(
			main,
			['builtin', 'builtin-auth', 'telesign'],
			credential,
		);
		const urls = Object.fromEntries(
			Object.entries(atMain).map(([name, url]) => [
				name,
				url.replace(main.baseUrl, state.webhookUrl),
			]),
		);
		for (const url of Object.values(urls)) await main.waitForWebhook(url);
		const q = CONFIG.queue;
		log(
			`queue mode: ${q.total} events per pipeline through the webhook processor, concurrency ${q.concurrency}`,
		);
		const pids = Object.fromEntries(Object.keys(urls).map((name) => [name, webhook.child.pid]));
		return await measureEvents(ctx, webhook, urls, { ...q, concurrencies: undefined }, pids);
	} finally {
		await stopCluster(servers, CONFIG.port + 10);
		owned.clusters.delete(servers);
	}
}

module.exports = { eventPhase, diagnosticsPhase, patchedPhase, legacyPhase, lazyPhase, queuePhase };
