'use strict';
/**
 * Batch dial: 1,000 dials through a batch workflow (the node under test, n8n's No-Op, the HTTP Request node)
 * and the floor (the load generator straight to the simulator), round-robin. See bench/README.md, part 1.
 */
const http = require('http');
const axios = require('axios');

const wf = require('./workflows');
const { CONFIG, ACCOUNT } = require('./config');
const { procStatus, resetPeakRss, cpuMs, loadAverage } = require('./proc');
const { median, min, max } = require('./stats');
const { log } = require('./log');

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });
const hrMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function dialInput(n) {
	return Array.from({ length: n }, (_, i) => ({
		to: String(15551000000 + i),
		external_id: `bench-${String(i).padStart(4, '0')}`,
	}));
}

/** One 1,000-item run of a batch workflow: the wall time of the webhook request that carries the batch. */
async function runBatchWorkflow(ctx, scenario) {
	await ctx.sim.call('reset');
	const pid = ctx.n8n.child.pid;
	const rssBeforeKb = procStatus(pid, 'VmRSS');
	const rssOk = resetPeakRss(pid);
	const cpu0 = cpuMs(pid);
	const started = process.hrtime.bigint();
	const res = await axios.post(
		scenario.url,
		{ items: ctx.items },
		{ timeout: 180_000, httpAgent: keepAlive, validateStatus: () => true },
	);
	const wallMs = hrMs(started);
	const cpu = cpuMs(pid) - cpu0;
	const peakRssKb = rssOk ? procStatus(pid, 'VmHWM') : undefined;
	const stats = await ctx.sim.call('stats');
	const out = Array.isArray(res.data) ? res.data : [];
	const accepted = out.filter((j) => j && j.status === 'dial_accepted').length;
	const expected = scenario.kind === 'noop' ? 0 : ctx.items.length;
	if (
		res.status !== 200 ||
		out.length !== ctx.items.length ||
		accepted !== expected ||
		stats.dialsPlaced !== expected
	) {
		throw new Error(
			`${scenario.label}: HTTP ${res.status}, ${out.length} items out, ${accepted} dial_accepted, ${stats.dialsPlaced} dials placed (expected ${ctx.items.length} items, ${expected} dials); first item: ${JSON.stringify(out[0] || res.data).slice(0, 400)}`,
		);
	}
	return {
		wallMs,
		cpuMs: cpu,
		peakRssKb,
		rssGrowthKb: peakRssKb === undefined ? undefined : peakRssKb - rssBeforeKb,
		peakInFlight: stats.peakInFlight,
	};
}

/**
 * One floor sample. At 0 ms a floor run lasts ~0.15–0.3 s and depends on how warm the simulator and the client
 * are, so there a sample is one discarded run followed by the median of three (back to back; no best-of). At
 * 50 ms a run lasts seconds and varies by < 1 %: one run.
 */
const floorInnerRuns = (latencyMs) =>
	latencyMs === 0 ? { discard: 1, keep: 3 } : { discard: 0, keep: 1 };
async function runFloor(ctx, scenario) {
	const dials = ctx.items.map((it) => ({
		to: it.to,
		callerId: wf.CALLER_ID,
		externalId: it.external_id,
	}));
	const { discard, keep } = floorInnerRuns(scenario.latencyMs);
	const runs = [];
	for (let i = 0; i < discard + keep; i++) {
		await ctx.sim.call('reset');
		const r = await ctx.loadgen.call('dials', {
			simUrl: ctx.simUrl,
			dials,
			concurrency: scenario.concurrency,
			auth: scenario.auth,
			account: ACCOUNT,
		});
		const stats = await ctx.sim.call('stats');
		if (r.statuses[202] !== ctx.items.length || stats.dialsPlaced !== ctx.items.length) {
			throw new Error(
				`${scenario.label}: statuses ${JSON.stringify(r.statuses)}, ${stats.dialsPlaced} dials placed`,
			);
		}
		if (i >= discard)
			runs.push({ wallMs: r.wallMs, cpuMs: r.cpuMs, peakInFlight: stats.peakInFlight });
	}
	runs.sort((a, b) => a.wallMs - b.wallMs);
	return {
		...runs[Math.floor(runs.length / 2)],
		peakInFlight: max(runs.map((r) => r.peakInFlight)),
	};
}

const runScenario = (ctx, s) => (s.kind === 'floor' ? runFloor(ctx, s) : runBatchWorkflow(ctx, s));

function summarize(samples) {
	const walls = samples.map((s) => s.wallMs);
	const rss = samples.map((s) => s.peakRssKb).filter((v) => v !== undefined);
	const growth = samples.map((s) => s.rssGrowthKb).filter((v) => v !== undefined);
	const cpu = samples.map((s) => s.cpuMs).filter((v) => Number.isFinite(v));
	return {
		n: samples.length,
		wallMs: median(walls),
		minMs: min(walls),
		maxMs: max(walls),
		cpuMs: cpu.length ? median(cpu) : undefined,
		peakRssKb: rss.length ? max(rss) : undefined,
		rssGrowthKb: growth.length ? max(growth) : undefined,
		peakInFlight: max(samples.map((s) => s.peakInFlight)),
		samples: walls,
	};
}

async function createBatchWorkflow(ctx, workflow, credential) {
	const created = await ctx.n8n.createWorkflow(workflow, {
		credentials: { telesignVoiceApi: credential || ctx.credential },
	});
	const hook = created.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	const url = `${ctx.n8n.baseUrl}/webhook/${hook.parameters.path}`;
	await ctx.n8n.waitForWebhook(url);
	return url;
}

/** Every batch workflow of the phase, created once: {key: webhook URL}. */
async function createDialWorkflows(ctx) {
	const urls = { noop: await createBatchWorkflow(ctx, wf.noopWorkflow('noop')) };
	for (const c of CONFIG.concurrencies)
		urls[`dial-c${c}`] = await createBatchWorkflow(ctx, wf.dialWorkflow(`dial-c${c}`, c));
	urls['dial-tsa'] = await createBatchWorkflow(
		ctx,
		wf.dialWorkflow('dial-tsa', CONFIG.tsa.concurrency),
		ctx.digestCredential,
	);
	const c0 = CONFIG.concurrencies[0];
	urls['dial-static'] = await createBatchWorkflow(
		ctx,
		wf.dialWorkflow('dial-static', c0, { staticParameters: true }),
	);
	urls['http-default'] = await createBatchWorkflow(
		ctx,
		wf.httpRequestWorkflow('http-default', ctx.simUrl),
	);
	for (const [i, batching] of CONFIG.batchingCandidates.entries()) {
		urls[`http-batch-${i}`] = await createBatchWorkflow(
			ctx,
			wf.httpRequestWorkflow(`http-batch-${i}`, ctx.simUrl, batching),
		);
	}
	return urls;
}

/** The scenarios measured at one simulator latency (the HTTP Request node's best Batching is added later). */
function dialScenarios(urls, latencyMs) {
	const scenarios = [];
	for (const c of CONFIG.concurrencies) {
		scenarios.push({
			kind: 'floor',
			label: `floor c${c}`,
			concurrency: c,
			auth: 'basic',
			latencyMs,
		});
		scenarios.push({ kind: 'node', label: `node c${c}`, concurrency: c, url: urls[`dial-c${c}`] });
	}
	if (latencyMs === CONFIG.tsa.latencyMs) {
		const c = CONFIG.tsa.concurrency;
		scenarios.push({
			kind: 'floor',
			label: `floor tsa c${c}`,
			concurrency: c,
			auth: 'tsa',
			latencyMs,
		});
		scenarios.push({
			kind: 'node',
			label: `node tsa c${c}`,
			concurrency: c,
			url: urls['dial-tsa'],
		});
	}
	scenarios.push({
		kind: 'node',
		label: 'node static',
		concurrency: CONFIG.concurrencies[0],
		url: urls['dial-static'],
	});
	scenarios.push({ kind: 'noop', label: 'n8n No-Op', url: urls.noop });
	scenarios.push({ kind: 'http', label: 'HTTP Request default', url: urls['http-default'] });
	return scenarios;
}

/** The HTTP Request node's best Batching setting at this latency: 2 runs each, after one warm-up run. */
async function searchBatching(ctx, urls, httpDefault) {
	await runScenario(ctx, httpDefault);
	const tried = CONFIG.batchingCandidates.map(() => []);
	for (let rep = 0; rep < 2; rep++) {
		for (const [i, batching] of CONFIG.batchingCandidates.entries()) {
			const r = await runBatchWorkflow(ctx, {
				kind: 'http',
				label: `HTTP Request batching ${JSON.stringify(batching)}`,
				url: urls[`http-batch-${i}`],
			});
			tried[i].push(r.wallMs);
		}
	}
	const searched = CONFIG.batchingCandidates.map((batching, i) => ({
		batching,
		wallMs: median(tried[i]),
		samples: tried[i],
	}));
	const bestIndex = searched.reduce(
		(best, s, i) => (s.wallMs < searched[best].wallMs ? i : best),
		0,
	);
	log(
		`  HTTP Request Batching tried: ${searched.map((s) => `${s.batching.batchSize}/${s.batching.batchInterval} ms → ${s.wallMs.toFixed(0)} ms`).join(', ')}`,
	);
	return { searched, best: searched[bestIndex].batching, bestUrl: urls[`http-batch-${bestIndex}`] };
}

/** Round-robin: every repetition runs every scenario once, so slow drift hits all of them alike. */
async function measureRoundRobin(ctx, scenarios) {
	const samples = new Map(scenarios.map((s) => [s.label, []]));
	for (let rep = 0; rep < CONFIG.warmups + CONFIG.reps; rep++) {
		for (const s of scenarios) {
			const r = await runScenario(ctx, s);
			if (rep >= CONFIG.warmups) samples.get(s.label).push(r);
		}
		log(
			`  repetition ${rep + 1}/${CONFIG.warmups + CONFIG.reps}${rep < CONFIG.warmups ? ' (warm-up)' : ''} done`,
		);
	}
	return samples;
}

async function dialPhase(ctx) {
	const urls = await createDialWorkflows(ctx);
	const results = [];
	const search = [];
	for (const latencyMs of CONFIG.latencies) {
		log(`batch dial, simulator latency ${latencyMs} ms (load average ${loadAverage()})`);
		await ctx.sim.call('configure', { patch: { latencyMs } });
		const scenarios = dialScenarios(urls, latencyMs);
		const { searched, best, bestUrl } = await searchBatching(
			ctx,
			urls,
			scenarios[scenarios.length - 1],
		);
		search.push({ latencyMs, searched, best });
		scenarios.push({
			kind: 'http',
			label: 'HTTP Request best batching',
			batching: best,
			url: bestUrl,
		});
		const samples = await measureRoundRobin(ctx, scenarios);
		for (const s of scenarios) {
			results.push({
				latencyMs,
				kind: s.kind,
				label: s.label,
				concurrency: s.concurrency,
				auth: s.auth,
				batching: s.batching,
				...summarize(samples.get(s.label)),
			});
		}
	}
	return { results, search };
}

module.exports = { dialPhase, dialInput };
