#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: batch dialing and event answering in a real n8n, against the floor (a bare HTTP client)
 * and n8n's own nodes, plus package figures. Prints one markdown table of medians and ratios measured in this
 * run and writes it to bench/RESULTS.md (between the generated-section markers; the analysis around them is
 * kept). Raw samples go to bench/.out/results-<timestamp>.json. See bench/README.md.
 *
 * Environment (all optional): BENCH_REPS (5 measured repetitions per 1,000-dial scenario, after
 * BENCH_WARMUPS=1), BENCH_LATENCIES ("0,50" ms per dial at the simulator), BENCH_CONCURRENCY ("10,50"),
 * BENCH_EVENTS (1000 per pipeline and concurrency), BENCH_QUEUE_EVENTS (400), BENCH_PORT (5710; uses 5710–5715 and
 * the queue cluster's 5720–5723), BENCH_TIMEOUT_MIN (60),
 * BENCH_ONLY (comma list of package,events,diagnostics,patched,legacy,lazy,queue,dial; a subset never writes RESULTS.md),
 * BENCH_NO_WRITE=1, BENCH_TRIGGER_V1=1 (diagnostics also run the trigger at typeVersion 1),
 * BENCH_N8N_ENV (JSON, extra environment for the main n8n, e.g. '{"NODE_OPTIONS":"--cpu-prof"}').
 */
const { fork, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const axios = require('axios');

const { N8nServer } = require('../test/e2e/harness/n8n');
const { REPO_ROOT, N8N_VERSION, ensureN8n, buildAndPack } = require('../test/e2e/harness/install');
const { DEFAULT_ACCOUNT } = require('../test/simulator');
const wf = require('./lib/workflows');
const { packageMetrics, tarballComplete } = require('./lib/package-metrics');
const { noCacheTarball } = require('./lib/variant');
const { startCluster, stopCluster } = require('../test/queue/harness/cluster');
const { median, percentile, min, max } = require('./lib/stats');

const env = process.env;
const list = (value, fallback) => (value ? value.split(',').map((v) => Number(v.trim())) : fallback);
const ALL_PARTS = ['package', 'events', 'diagnostics', 'patched', 'legacy', 'lazy', 'queue', 'dial'];
const CONFIG = {
	items: 1000,
	reps: Number(env.BENCH_REPS || 5),
	warmups: Number(env.BENCH_WARMUPS || 1),
	latencies: list(env.BENCH_LATENCIES, [0, 50]),
	concurrencies: list(env.BENCH_CONCURRENCY, [10, 50]),
	// TSA (HMAC-signed) requests, node and floor: at this latency and concurrency only (the signing is CPU work).
	tsa: { latencyMs: 0, concurrency: 10 },
	events: { total: Number(env.BENCH_EVENTS || 1000), block: 100, warmup: 50, concurrencies: [1, 16] },
	diagnostics: { total: 200, block: 50, warmup: 20, concurrency: 1 },
	legacy: { total: 300, block: 100, warmup: 30, concurrencies: [1, 16] },
	// Queue mode: events through one webhook processor (main + webhook processor + 2 workers), one concurrency.
	queue: { total: Number(env.BENCH_QUEUE_EVENTS || 400), block: 100, warmup: 30, concurrency: 16 },
	// HTTP Request node: Batching settings tried before the measured repetitions (2 runs each, best one kept).
	batchingCandidates: [
		{ batchSize: 50, batchInterval: 0 },
		{ batchSize: 10, batchInterval: 1 },
		{ batchSize: 100, batchInterval: 1 },
		{ batchSize: 500, batchInterval: 1 },
	],
	port: Number(env.BENCH_PORT || 5710),
	timeoutMin: Number(env.BENCH_TIMEOUT_MIN || 60),
	only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : ALL_PARTS,
};
const OUT_DIR = path.join(__dirname, '.out');
const RESULTS_MD = path.join(__dirname, 'RESULTS.md');
const ACCOUNT = { customerId: DEFAULT_ACCOUNT.customerId, apiKey: DEFAULT_ACCOUNT.apiKey };
const HEADER_AUTH = { name: 'X-Bench-Auth', value: 'bench-header-auth-value-0123456789' };
const SPEAK_CHECK = '"method":"speak"';

function log(message) {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
const hrMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const has = (part) => CONFIG.only.includes(part);

// ─────────────────────────── child processes (simulator, load generator) ───────────────────────────

class Child {
	constructor(name, file, execPath) {
		this.name = name;
		this.pending = new Map();
		this.seq = 0;
		this.proc = fork(file, [], { execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		this.ready = new Promise((resolve, reject) => {
			this.proc.once('error', reject);
			this.proc.once('exit', (code) => reject(new Error(`${name} exited (code ${code}) before it was ready`)));
			this.proc.on('message', (msg) => {
				if (msg.ready) return resolve(msg);
				const p = this.pending.get(msg.id);
				if (!p) return;
				this.pending.delete(msg.id);
				if (msg.ok) p.resolve(msg.result);
				else p.reject(new Error(`${name}: ${msg.error}`));
			});
		});
		this.ready.catch(() => undefined);
		this.proc.on('exit', (code, signal) => {
			for (const p of this.pending.values()) p.reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
			this.pending.clear();
		});
	}

	call(cmd, args = {}, timeoutMs = 300_000) {
		const id = ++this.seq;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			this.pending.set(id, {
				resolve: (v) => (clearTimeout(timer), resolve(v)),
				reject: (e) => (clearTimeout(timer), reject(e)),
			});
			this.proc.send({ id, cmd, ...args });
		});
	}

	kill() {
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
	}
}

// ─────────────────────────── cleanup (also on errors, signals, the time limit) ───────────────────────────

const owned = { servers: new Set(), children: [], clusters: new Set() };
let cleaning;
function cleanup() {
	if (!cleaning) {
		cleaning = (async () => {
			for (const c of owned.children) c.kill();
			await Promise.all([...owned.servers].map((s) => s.stop().catch(() => undefined)));
			for (const servers of owned.clusters) await stopCluster(servers, CONFIG.port + 10).catch(() => undefined);
		})();
	}
	return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(signal, () => {
		log(`${signal}: stopping n8n and the child processes`);
		cleanup().finally(() => process.exit(130));
	});
}
process.once('uncaughtException', (error) => {
	log(`uncaught: ${error.stack}`);
	cleanup().finally(() => process.exit(1));
});

async function startN8n(port, extraEnv, { tarball } = {}) {
	// The task-runner broker listens even with runners off (default port 5679, shared with other n8n instances).
	const n8n = new N8nServer({
		port,
		tarball,
		env: { N8N_LOG_LEVEL: env.N8N_LOG_LEVEL || 'warn', N8N_RUNNERS_BROKER_PORT: String(port + 1), ...extraEnv },
	});
	owned.servers.add(n8n);
	await n8n.start();
	log(`n8n on ${n8n.baseUrl} (pid ${n8n.child.pid}, log ${n8n.logPath})`);
	return n8n;
}

async function stopN8n(n8n) {
	await n8n.stop();
	owned.servers.delete(n8n);
}

// ─────────────────────────── /proc: memory and CPU of n8n ───────────────────────────

function procStatus(pid, field) {
	try {
		const m = new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : undefined;
	} catch {
		return undefined;
	}
}
/** Resets the peak-RSS mark of the n8n process (Linux clear_refs 5), so VmHWM then is the peak of one run. */
function resetPeakRss(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
/** CPU time of a process, all threads (utime + stime), in ms. */
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
	} catch {
		return NaN;
	}
}
function loadAverage() {
	return os.loadavg().map((v) => v.toFixed(2)).join(' / ');
}

// ─────────────────────────── batch dial ───────────────────────────

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

function dialInput(n) {
	return Array.from({ length: n }, (_, i) => ({ to: String(15551000000 + i), external_id: `bench-${String(i).padStart(4, '0')}` }));
}

/** One 1,000-item run of a batch workflow: the wall time of the webhook request that carries the batch. */
async function runBatchWorkflow(ctx, scenario) {
	await ctx.sim.call('reset');
	const pid = ctx.n8n.child.pid;
	const rssBeforeKb = procStatus(pid, 'VmRSS');
	const rssOk = resetPeakRss(pid);
	const cpu0 = cpuMs(pid);
	const started = process.hrtime.bigint();
	const res = await axios.post(scenario.url, { items: ctx.items }, { timeout: 180_000, httpAgent: keepAlive, validateStatus: () => true });
	const wallMs = hrMs(started);
	const cpu = cpuMs(pid) - cpu0;
	const peakRssKb = rssOk ? procStatus(pid, 'VmHWM') : undefined;
	const stats = await ctx.sim.call('stats');
	const out = Array.isArray(res.data) ? res.data : [];
	const accepted = out.filter((j) => j && j.status === 'dial_accepted').length;
	const expected = scenario.kind === 'noop' ? 0 : ctx.items.length;
	if (res.status !== 200 || out.length !== ctx.items.length || accepted !== expected || stats.dialsPlaced !== expected) {
		throw new Error(
			`${scenario.label}: HTTP ${res.status}, ${out.length} items out, ${accepted} dial_accepted, ${stats.dialsPlaced} dials placed (expected ${ctx.items.length} items, ${expected} dials); first item: ${JSON.stringify(out[0] || res.data).slice(0, 400)}`,
		);
	}
	return { wallMs, cpuMs: cpu, peakRssKb, rssGrowthKb: peakRssKb === undefined ? undefined : peakRssKb - rssBeforeKb, peakInFlight: stats.peakInFlight };
}

/**
 * One floor sample. At 0 ms a floor run lasts ~0.15–0.3 s and depends on how warm the simulator and the client
 * are, so there a sample is one discarded run followed by the median of three (back to back; no best-of). At
 * 50 ms a run lasts seconds and varies by < 1 %: one run.
 */
const floorInnerRuns = (latencyMs) => (latencyMs === 0 ? { discard: 1, keep: 3 } : { discard: 0, keep: 1 });
async function runFloor(ctx, scenario) {
	const dials = ctx.items.map((it) => ({ to: it.to, callerId: wf.CALLER_ID, externalId: it.external_id }));
	const { discard, keep } = floorInnerRuns(scenario.latencyMs);
	const runs = [];
	for (let i = 0; i < discard + keep; i++) {
		await ctx.sim.call('reset');
		const r = await ctx.loadgen.call('dials', { simUrl: ctx.simUrl, dials, concurrency: scenario.concurrency, auth: scenario.auth, account: ACCOUNT });
		const stats = await ctx.sim.call('stats');
		if (r.statuses[202] !== ctx.items.length || stats.dialsPlaced !== ctx.items.length) {
			throw new Error(`${scenario.label}: statuses ${JSON.stringify(r.statuses)}, ${stats.dialsPlaced} dials placed`);
		}
		if (i >= discard) runs.push({ wallMs: r.wallMs, cpuMs: r.cpuMs, peakInFlight: stats.peakInFlight });
	}
	runs.sort((a, b) => a.wallMs - b.wallMs);
	return { ...runs[Math.floor(runs.length / 2)], peakInFlight: max(runs.map((r) => r.peakInFlight)) };
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
	const created = await ctx.n8n.createWorkflow(workflow, { credentials: { telesignVoiceApi: credential || ctx.credential } });
	const hook = created.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	const url = `${ctx.n8n.baseUrl}/webhook/${hook.parameters.path}`;
	await ctx.n8n.waitForWebhook(url);
	return url;
}

async function dialPhase(ctx) {
	const urls = { noop: await createBatchWorkflow(ctx, wf.noopWorkflow('noop')) };
	for (const c of CONFIG.concurrencies) urls[`dial-c${c}`] = await createBatchWorkflow(ctx, wf.dialWorkflow(`dial-c${c}`, c));
	urls['dial-tsa'] = await createBatchWorkflow(ctx, wf.dialWorkflow('dial-tsa', CONFIG.tsa.concurrency), ctx.digestCredential);
	const c0 = CONFIG.concurrencies[0];
	urls['dial-static'] = await createBatchWorkflow(ctx, wf.dialWorkflow('dial-static', c0, { staticParameters: true }));
	urls['http-default'] = await createBatchWorkflow(ctx, wf.httpRequestWorkflow('http-default', ctx.simUrl));
	for (const [i, batching] of CONFIG.batchingCandidates.entries()) {
		urls[`http-batch-${i}`] = await createBatchWorkflow(ctx, wf.httpRequestWorkflow(`http-batch-${i}`, ctx.simUrl, batching));
	}

	const results = [];
	const search = [];
	for (const latencyMs of CONFIG.latencies) {
		log(`batch dial, simulator latency ${latencyMs} ms (load average ${loadAverage()})`);
		await ctx.sim.call('configure', { patch: { latencyMs } });
		const scenarios = [];
		for (const c of CONFIG.concurrencies) {
			scenarios.push({ kind: 'floor', label: `floor c${c}`, concurrency: c, auth: 'basic', latencyMs });
			scenarios.push({ kind: 'node', label: `node c${c}`, concurrency: c, url: urls[`dial-c${c}`] });
		}
		if (latencyMs === CONFIG.tsa.latencyMs) {
			const c = CONFIG.tsa.concurrency;
			scenarios.push({ kind: 'floor', label: `floor tsa c${c}`, concurrency: c, auth: 'tsa', latencyMs });
			scenarios.push({ kind: 'node', label: `node tsa c${c}`, concurrency: c, url: urls['dial-tsa'] });
		}
		scenarios.push({ kind: 'node', label: 'node static', concurrency: CONFIG.concurrencies[0], url: urls['dial-static'] });
		scenarios.push({ kind: 'noop', label: 'n8n No-Op', url: urls.noop });
		const httpDefault = { kind: 'http', label: 'HTTP Request default', url: urls['http-default'] };
		scenarios.push(httpDefault);

		// The HTTP Request node's best Batching setting at this latency: 2 runs each, after one warm-up run.
		await runScenario(ctx, httpDefault);
		const tried = CONFIG.batchingCandidates.map(() => []);
		for (let rep = 0; rep < 2; rep++) {
			for (const [i, batching] of CONFIG.batchingCandidates.entries()) {
				const r = await runBatchWorkflow(ctx, { kind: 'http', label: `HTTP Request batching ${JSON.stringify(batching)}`, url: urls[`http-batch-${i}`] });
				tried[i].push(r.wallMs);
			}
		}
		const searched = CONFIG.batchingCandidates.map((batching, i) => ({ batching, wallMs: median(tried[i]), samples: tried[i] }));
		const bestIndex = searched.reduce((best, s, i) => (s.wallMs < searched[best].wallMs ? i : best), 0);
		const best = searched[bestIndex].batching;
		search.push({ latencyMs, searched, best });
		log(`  HTTP Request Batching tried: ${searched.map((s) => `${s.batching.batchSize}/${s.batching.batchInterval} ms → ${s.wallMs.toFixed(0)} ms`).join(', ')}`);
		scenarios.push({ kind: 'http', label: 'HTTP Request best batching', batching: best, url: urls[`http-batch-${bestIndex}`] });

		// Round-robin: every repetition runs every scenario once, so slow drift hits all of them alike.
		const samples = new Map(scenarios.map((s) => [s.label, []]));
		for (let rep = 0; rep < CONFIG.warmups + CONFIG.reps; rep++) {
			for (const s of scenarios) {
				const r = await runScenario(ctx, s);
				if (rep >= CONFIG.warmups) samples.get(s.label).push(r);
			}
			log(`  repetition ${rep + 1}/${CONFIG.warmups + CONFIG.reps}${rep < CONFIG.warmups ? ' (warm-up)' : ''} done`);
		}
		for (const s of scenarios) {
			results.push({ latencyMs, kind: s.kind, label: s.label, concurrency: s.concurrency, auth: s.auth, batching: s.batching, ...summarize(samples.get(s.label)) });
		}
	}
	return { results, search };
}

// ─────────────────────────── event answering ───────────────────────────

const EVENT_PIPELINES = {
	builtin: { label: 'Webhook → Set (built-in, last-node response)' },
	telesign: { label: 'Telesign Voice Trigger (signature on) → Respond Speak' },
	'builtin-auth': { label: 'Webhook **with Header Auth** → Set (n8n reads a credential per request)' },
	'telesign-noauth': { label: 'Telesign Voice Trigger, **authentication None** → Respond Speak' },
	'telesign-v1': { label: 'Telesign Voice Trigger **typeVersion 1** (signature on) → Respond Speak' },
	'telesign-patched': {
		label: 'Telesign Voice Trigger (signature on) in an n8n **without the webhook-phase isolate** (patched as proposed, second n8n) → Respond Speak',
	},
	'telesign-nocache': {
		label: 'Telesign Voice Trigger (signature on) **without the credential cache** (bench build, second n8n) → Respond Speak',
	},
};

/**
 * Creates and activates the workflows of the named pipelines (once per n8n: `created` remembers them);
 * returns {name: webhook URL}.
 */
async function createEventPipelines(n8n, names, telesignCredential, created = {}) {
	const urls = {};
	const webhookPath = (w) => `${n8n.baseUrl}/webhook/${w.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path}`;
	const triggerUrl = (w) => n8n.webhookUrl(w.nodes.find((n) => n.type === 'n8n-nodes-telesign-voice.telesignVoiceTrigger'));
	for (const name of names) {
		if (created[name]) {
			urls[name] = created[name];
			continue;
		}
		if (name === 'builtin') urls[name] = webhookPath(await n8n.createWorkflow(wf.builtinEventWorkflow(), {}));
		else if (name === 'builtin-auth') {
			const credential = await n8n.createCredential('Bench header auth', 'httpHeaderAuth', HEADER_AUTH);
			urls[name] = webhookPath(await n8n.createWorkflow(wf.builtinEventWorkflow(true), { credentials: { httpHeaderAuth: credential } }));
		} else {
			const options = { telesign: {}, 'telesign-noauth': { authentication: 'none' }, 'telesign-v1': { typeVersion: 1 } }[name];
			urls[name] = triggerUrl(await n8n.createWorkflow(wf.telesignEventWorkflow(options), { credentials: { telesignVoiceApi: telesignCredential } }));
		}
		await n8n.waitForWebhook(urls[name]);
		created[name] = urls[name];
	}
	return urls;
}

/**
 * Posts `total` events to every pipeline in interleaved blocks (A-block, B-block, …, then the next blocks), at
 * `concurrency`, after `warmup` events each. Returns per pipeline: latency percentiles, throughput while its
 * blocks ran, and n8n's CPU time (all threads) per event.
 */
async function measureEvents(ctx, n8n, urls, { concurrency, total, block, warmup }, pids = {}) {
	const names = Object.keys(urls);
	const common = { concurrency, account: ACCOUNT, extraHeaders: { [HEADER_AUTH.name]: HEADER_AUTH.value }, check: SPEAK_CHECK };
	const acc = Object.fromEntries(names.map((n) => [n, { latencies: [], busyMs: 0, cpuMs: 0, failures: 0, firstFailure: undefined }]));
	const pid = n8n.child.pid;
	// CPU of the process that answers the pipeline (another n8n for some pipelines: `pids`).
	const pidOf = (name) => pids[name] || pid;
	const run = async (name, offset, count, measure) => {
		const cpu0 = cpuMs(pidOf(name));
		const r = await ctx.loadgen.call('events', { ...common, url: urls[name], offset, count }, 900_000);
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
		for (const name of names) await run(name, warmup + offset, Math.min(block, total - offset), true);
	}
	const peakRssKb = rssOk ? procStatus(pid, 'VmHWM') : undefined;
	await ctx.loadgen.call('closeAgents');
	return names.map((name) => {
		const a = acc[name];
		// A lost answer is a result, not a reason to lose the run: it is reported in the table's Check column.
		if (a.failures > 0) log(`events via ${name}: ${a.failures} failed answers, first: ${a.firstFailure}`);
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
	});
}

function chunk(values, size) {
	const out = [];
	for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
	return out;
}

/**
 * The trigger with and without its credential cache beside n8n's Webhook → Set and Webhook with Header Auth,
 * interleaved. "Without the cache" is the bench build of the package (lib/variant.js) in a second n8n, started
 * alongside the first; each pipeline's CPU is that of the n8n process answering it.
 */
async function eventPhase(ctx) {
	const urls = await createEventPipelines(ctx.n8n, ['builtin', 'builtin-auth', 'telesign'], ctx.credential, ctx.eventWorkflows);
	const noCache = await startN8n(CONFIG.port + 4, {}, { tarball: noCacheTarball(ctx.tarball) });
	try {
		const credential = await createTelesignCredential(noCache, ctx.simUrl, 'basic');
		urls['telesign-nocache'] = (await createEventPipelines(noCache, ['telesign'], credential)).telesign;
		const results = [];
		for (const concurrency of CONFIG.events.concurrencies) {
			log(`event answering, concurrency ${concurrency}: ${CONFIG.events.total} events per pipeline, interleaved (load average ${loadAverage()})`);
			results.push(...(await measureEvents(ctx, ctx.n8n, urls, { concurrency, ...CONFIG.events }, { 'telesign-nocache': noCache.child.pid })));
		}
		return results;
	} finally {
		await stopN8n(noCache);
	}
}

async function diagnosticsPhase(ctx) {
	const names = ['builtin', 'builtin-auth', 'telesign-noauth', 'telesign', ...(env.BENCH_TRIGGER_V1 === '1' ? ['telesign-v1'] : [])];
	const urls = await createEventPipelines(ctx.n8n, names, ctx.credential, ctx.eventWorkflows);
	const d = CONFIG.diagnostics;
	log(`event answering diagnostics: ${names.join(', ')} (${d.total} events each, concurrency ${d.concurrency})`);
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
		const urls = await createEventPipelines(n8n, ['builtin', 'builtin-auth', 'telesign-noauth', 'telesign'], credential);
		const results = [];
		for (const concurrency of CONFIG.legacy.concurrencies) {
			log(`event answering with ${description}, concurrency ${concurrency}: ${CONFIG.legacy.total} events per pipeline`);
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
	const patch = path.join(__dirname, 'lib', 'webhook-isolate-patch.js');
	const patched = await startN8n(CONFIG.port + 4, { NODE_OPTIONS: `--require ${patch}` });
	try {
		if (!/\[bench patch\]/.test(patched.tail(400))) throw new Error(`the patch did not load in ${patched.logPath}`);
		const credential = await createTelesignCredential(patched, ctx.simUrl, 'basic');
		const urls = await createEventPipelines(ctx.n8n, ['builtin', 'builtin-auth', 'telesign'], ctx.credential, ctx.eventWorkflows);
		urls['telesign-patched'] = (await createEventPipelines(patched, ['telesign'], credential)).telesign;
		const d = CONFIG.legacy;
		const results = [];
		for (const concurrency of d.concurrencies) {
			log(`event answering, n8n patched (no webhook-phase isolate for this trigger) vs unpatched, concurrency ${concurrency}: ${d.total} events per pipeline`);
			results.push(...(await measureEvents(ctx, ctx.n8n, urls, { ...d, concurrency }, { 'telesign-patched': patched.child.pid })));
		}
		return results;
	} finally {
		await stopN8n(patched);
	}
}

const legacyPhase = (ctx) => enginePhase(ctx, { N8N_EXPRESSION_ENGINE: 'legacy' }, 'N8N_EXPRESSION_ENGINE=legacy');
const lazyPhase = (ctx) => enginePhase(ctx, { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }, 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true');

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
		const atMain = await createEventPipelines(main, ['builtin', 'builtin-auth', 'telesign'], credential);
		const urls = Object.fromEntries(Object.entries(atMain).map(([name, url]) => [name, url.replace(main.baseUrl, state.webhookUrl)]));
		for (const url of Object.values(urls)) await main.waitForWebhook(url);
		const q = CONFIG.queue;
		log(`queue mode: ${q.total} events per pipeline through the webhook processor, concurrency ${q.concurrency}`);
		const pids = Object.fromEntries(Object.keys(urls).map((name) => [name, webhook.child.pid]));
		return await measureEvents(ctx, webhook, urls, { ...q, concurrencies: undefined }, pids);
	} finally {
		await stopCluster(servers, CONFIG.port + 10);
		owned.clusters.delete(servers);
	}
}

// ─────────────────────────── report ───────────────────────────

const fmtMs = (ms) => (ms === undefined || !Number.isFinite(ms) ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const fmtMb = (kb) => (kb === undefined ? '–' : `${(kb / 1024).toFixed(0)} MB`);

function buildTable(report) {
	const rows = [
		'| Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | Peak RSS n8n (growth in the run) | Check |',
		'|---|---|---:|---:|---:|---:|---:|---:|---|',
	];
	const targets = [];
	const row = (cells) => rows.push(`| ${cells.join(' | ')} |`);

	if (report.dial) {
		for (const latencyMs of CONFIG.latencies) {
			const at = report.dial.results.filter((r) => r.latencyMs === latencyMs);
			const get = (label) => at.find((r) => r.label === label);
			const noop = get('n8n No-Op');
			const httpDefault = get('HTTP Request default');
			const sec = `Batch dial 1,000 · sim ${latencyMs} ms`;
			const line = (r, setting, ratio, check = '') =>
				row([
					sec,
					setting,
					fmtMs(r.wallMs),
					`${fmtMs(r.minMs)}–${fmtMs(r.maxMs)}`,
					r.kind === 'noop' ? '–' : `${Math.round((CONFIG.items / r.wallMs) * 1000)} dials/s`,
					ratio,
					r.cpuMs === undefined ? '–' : r.kind === 'noop' ? `${fmtMs(r.cpuMs)}/run` : `${(r.cpuMs / CONFIG.items).toFixed(2)} ms/dial${r.kind === 'floor' ? ' (client)' : ''}`,
					r.kind === 'floor' ? '(no n8n)' : `${fmtMb(r.peakRssKb)} (+${fmtMb(r.rssGrowthKb)})`,
					check,
				]);
			const pairs = CONFIG.concurrencies.map((c) => ({ c, floor: get(`floor c${c}`), node: get(`node c${c}`), auth: 'Basic' }));
			if (latencyMs === CONFIG.tsa.latencyMs) {
				const c = CONFIG.tsa.concurrency;
				pairs.push({ c, floor: get(`floor tsa c${c}`), node: get(`node tsa c${c}`), auth: 'TSA' });
			}
			for (const { c, floor, node, auth } of pairs) {
				line(floor, `Floor: axios, keep-alive, pool of ${c}, ${auth} (max in flight ${floor.peakInFlight})`, '1.00× floor');
				const ratio = node.wallMs / floor.wallMs;
				const excess = (node.wallMs - noop.wallMs) / floor.wallMs;
				const vsHttp = node.wallMs / httpDefault.wallMs;
				const ok = ratio <= 1.15;
				const faster = node.wallMs < httpDefault.wallMs;
				targets.push({ target: `Batch dial ≤ 1.15× the floor — sim ${latencyMs} ms, concurrency ${c}, ${auth}`, value: fmtX(ratio), met: ok });
				targets.push({ target: `Batch dial faster than the HTTP Request node's default — sim ${latencyMs} ms, concurrency ${c}, ${auth}`, value: `${fmtX(vsHttp)} its time`, met: faster });
				line(
					node,
					`Telesign Voice Dial, concurrency ${c}, ${auth} (max in flight ${node.peakInFlight})`,
					`**${fmtX(ratio)} floor** (${fmtX(excess)} without n8n's fixed cost) · ${fmtX(vsHttp)} HTTP default`,
					`${ok ? '✅' : '❌'} ≤1.15× · ${faster ? '✅ faster' : '❌ slower'} than HTTP default`,
				);
			}
			const stat = get('node static');
			const statFloor = pairs[0].floor;
			line(
				stat,
				`Diagnostic: Telesign Voice Dial, concurrency ${stat.concurrency}, no expressions (one fixed To, generated External ID)`,
				`${fmtX(stat.wallMs / statFloor.wallMs)} floor c${pairs[0].c}`,
			);
			line(noop, "n8n's fixed cost: the same workflow with No-Op instead of a dial node", `${fmtX(noop.wallMs / pairs[0].floor.wallMs)} floor c${pairs[0].c}`);
			line(httpDefault, `HTTP Request v4.2, default: no Batching (max in flight ${httpDefault.peakInFlight})`, `${fmtX(httpDefault.wallMs / pairs[0].floor.wallMs)} floor c${pairs[0].c}`);
			const best = get('HTTP Request best batching');
			line(
				best,
				`HTTP Request v4.2, best Batching tried: ${best.batching.batchSize} items / ${best.batching.batchInterval} ms (max in flight ${best.peakInFlight})`,
				`${fmtX(best.wallMs / httpDefault.wallMs)} HTTP default`,
			);
		}
	}

	const eventRows = (results, sectionTitle, names, { targetsToo = false, cpuNote = '' } = {}) => {
		const concurrencies = [...new Set(results.map((r) => r.concurrency))];
		for (const c of concurrencies) {
			const get = (name) => results.find((r) => r.pipeline === name && r.concurrency === c);
			const base = get('builtin');
			const auth = get('builtin-auth');
			const sec = `${sectionTitle} · ${base.n} events · concurrency ${c}`;
			for (const name of names) {
				const r = get(name);
				if (!r) continue;
				let ratio = '1.00×';
				const checks = [];
				if (name !== 'builtin') ratio = `**p50 ${fmtX(r.p50 / base.p50)}** · p99 ${fmtX(r.p99 / base.p99)}`;
				// CPU per event against n8n's own credential-checked webhook (the same work: a credential per request).
				const cpuVsAuth = auth && name.startsWith('telesign') ? r.cpuMsPerEvent / auth.cpuMsPerEvent : undefined;
				if (cpuVsAuth !== undefined) ratio += ` · **CPU ${fmtX(cpuVsAuth)} Header Auth**`;
				if (targetsToo && name === 'telesign') {
					const ok = r.p50 / base.p50 <= 1.1;
					targets.push({ target: `Event answering p50 ≤ 1.10× Webhook → Set — concurrency ${c}`, value: fmtX(r.p50 / base.p50), met: ok });
					checks.push(`${ok ? '✅' : '❌'} p50 ≤1.10×`);
					if (cpuVsAuth !== undefined) {
						const cpuOk = cpuVsAuth <= 1.3;
						targets.push({ target: `Event answering CPU per event ≤ 1.30× Webhook with Header Auth — concurrency ${c}`, value: fmtX(cpuVsAuth), met: cpuOk });
						checks.push(`${cpuOk ? '✅' : '❌'} CPU ≤1.30×`);
					}
				}
				if (r.failures > 0) checks.push(`❌ ${r.failures} of ${r.n + r.failures} unanswered (${String(r.firstFailure).slice(0, 60)})`);
				const check = checks.join(' · ');
				row([
					sec,
					EVENT_PIPELINES[name].label,
					`p50 ${fmtMs(r.p50)} · p99 ${fmtMs(r.p99)}`,
					`block p50s ${fmtMs(min(r.blockP50))}–${fmtMs(max(r.blockP50))}`,
					`${r.perSecond.toFixed(r.perSecond < 20 ? 1 : 0)} events/s`,
					ratio,
					`${r.cpuMsPerEvent.toFixed(0)} ms/event${cpuNote}`,
					name === 'builtin' ? fmtMb(r.peakRssKb) : '(same run)',
					check,
				]);
			}
		}
	};
	if (report.events) eventRows(report.events, 'Event answering', ['builtin', 'builtin-auth', 'telesign', 'telesign-nocache'], { targetsToo: true });
	if (report.diagnostics) {
		eventRows(report.diagnostics, 'Event answering, diagnostic', ['builtin', 'builtin-auth', 'telesign-noauth', 'telesign', 'telesign-v1']);
	}
	if (report.legacy) {
		eventRows(report.legacy, 'Event answering, diagnostic, n8n with N8N_EXPRESSION_ENGINE=legacy', ['builtin', 'builtin-auth', 'telesign-noauth', 'telesign']);
	}
	if (report.patched) {
		eventRows(report.patched, 'Event answering, change request measured: trigger in an n8n patched as proposed', ['builtin', 'builtin-auth', 'telesign', 'telesign-patched']);
	}
	if (report.lazy) {
		eventRows(report.lazy, 'Event answering, diagnostic, n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', ['builtin', 'builtin-auth', 'telesign-noauth', 'telesign']);
	}
	if (report.queue) {
		eventRows(report.queue, 'Queue mode: through one webhook processor (+ main, 2 workers)', ['builtin', 'builtin-auth', 'telesign'], {
			cpuNote: ' (webhook processor)',
		});
	}

	if (report.package) {
		const p = report.package;
		const sizeOk = p.size <= 150 * 1000;
		const depsOk = p.dependencies === 0;
		targets.push({ target: 'Tarball ≤ 150 kB', value: `${(p.size / 1000).toFixed(1)} kB`, met: sizeOk });
		targets.push({ target: '0 runtime dependencies', value: String(p.dependencies), met: depsOk });
		row(['Package', '`npm pack` tarball', `${(p.size / 1000).toFixed(1)} kB`, '', '', `${p.entryCount} files, ${(p.unpackedSize / 1000).toFixed(0)} kB unpacked`, '', '', `${sizeOk ? '✅' : '❌'} ≤150 kB`]);
		row(['Package', 'runtime dependencies', String(p.dependencies), '', '', `peer: ${p.peer.join(', ') || 'none'}`, '', '', `${depsOk ? '✅' : '❌'} 0`]);
		row([
			'Package',
			`require() + instantiate the ${p.files.length} node and credential classes (fresh Node ${report.env.n8nNode} process, n8n-workflow loaded first)`,
			fmtMs(p.load.ownMs),
			`${fmtMs(p.load.ownMin)}–${fmtMs(p.load.ownMax)}`,
			'',
			`n8n-workflow itself: ${fmtMs(p.load.workflowMs)}`,
			'',
			'',
			`median of ${p.load.runs} processes`,
		]);
	}
	if (report.callAndWait) require('./callAndWait').rows(report.callAndWait, row, targets);
	return { table: rows.join('\n'), targets };
}

function buildSearchTable(report) {
	if (!report.dial) return '';
	const rows = ['| Sim latency | Batching: items per batch / interval | Median of 2 runs |', '|---|---|---:|'];
	for (const s of report.dial.search) {
		for (const c of s.searched) rows.push(`| ${s.latencyMs} ms | ${c.batching.batchSize} / ${c.batching.batchInterval} ms | ${fmtMs(c.wallMs)} |`);
	}
	return rows.join('\n');
}

function renderGenerated(report, table, targets) {
	const e = report.env;
	const lines = [
		'<!-- bench:begin (generated by `npm run bench`; edit outside these markers) -->',
		`**Run:** ${e.date} · \`nproc\` ${e.nproc} (${e.cpu}) · ${e.memGb} GB RAM · load average at start ${e.loadStart}, at end ${e.loadEnd} · ` +
			`bench on Node ${e.benchNode}; n8n ${e.n8nVersion} on Node ${e.n8nNode} · total ${e.totalMin} min`,
		'',
		`Batch dial: ${CONFIG.reps} measured repetitions per scenario after ${CONFIG.warmups} warm-up, round-robin over the scenarios; median and min–max ` +
			'(at 0 ms a floor sample is the median of 3 back-to-back runs after a discarded one). ' +
			`Events: ${CONFIG.events.total} per pipeline and concurrency (after ${CONFIG.events.warmup}), pipelines interleaved in blocks of ${CONFIG.events.block}; ` +
			'latency measured by the posting client (the simulator side). CPU = utime + stime of the n8n process, all threads ' +
			"(floor rows: of the client process). Peak RSS = the n8n process's VmHWM during the run, after resetting it (clear_refs); growth = peak − RSS before the run.",
		'',
		table,
		'',
		'**Targets**',
		'',
		...targets.map((t) => `- ${t.met ? '✅ met' : '❌ missed'}: ${t.target} — ${t.value}`),
		'',
	];
	const search = buildSearchTable(report);
	if (search) lines.push('**HTTP Request node: Batching settings tried** (the best is in the table above)', '', search, '');
	lines.push('<!-- bench:end -->');
	return lines.join('\n');
}

function writeResults(generated) {
	const begin = '<!-- bench:begin';
	const end = '<!-- bench:end -->';
	let text = fs.existsSync(RESULTS_MD) ? fs.readFileSync(RESULTS_MD, 'utf8') : '# Benchmark results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n';
	const i = text.indexOf(begin);
	const j = text.indexOf(end);
	if (i < 0 || j < 0) text = `${text.trimEnd()}\n\n${generated}\n`;
	else text = text.slice(0, i) + generated + text.slice(j + end.length);
	fs.writeFileSync(RESULTS_MD, text);
}

// ─────────────────────────── main ───────────────────────────

/**
 * Builds and packs the package (the harness's buildAndPack, which N8nServer.start() then reuses), checking
 * that the tarball holds every compiled module: others share this working tree and may be rebuilding dist/
 * at the same moment. A broken tarball is deleted and the build done again.
 */
function packVerified(attempts = 3) {
	for (let i = 1; ; i++) {
		let tarball;
		try {
			tarball = buildAndPack();
			if (tarballComplete(REPO_ROOT, tarball)) return tarball;
		} catch (error) {
			if (i >= attempts) throw error;
		}
		if (i >= attempts) throw new Error('could not pack a complete package (dist/ changing while packing?)');
		log(`the packed tarball is incomplete (dist/ rebuilt meanwhile?): building again (${i}/${attempts})`);
		if (tarball) fs.rmSync(tarball, { force: true });
	}
}

async function createTelesignCredential(n8n, simUrl, authMethod) {
	return await n8n.createCredential(`Telesign (bench simulator, ${authMethod})`, 'telesignVoiceApi', {
		customerId: ACCOUNT.customerId,
		apiKey: ACCOUNT.apiKey,
		authMethod,
		baseUrl: simUrl,
	});
}

async function main() {
	const startedAt = Date.now();
	const deadline = setTimeout(() => {
		log(`time limit of ${CONFIG.timeoutMin} min reached: aborting`);
		cleanup().finally(() => process.exit(2));
	}, CONFIG.timeoutMin * 60_000);
	deadline.unref();
	fs.mkdirSync(OUT_DIR, { recursive: true });

	const { node24 } = ensureN8n();
	const report = {
		env: {
			date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
			nproc: os.cpus().length,
			cpu: (os.cpus()[0]?.model || 'unknown').trim(),
			memGb: Math.round(os.totalmem() / 2 ** 30),
			loadStart: loadAverage(),
			benchNode: process.versions.node,
			n8nNode: execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, ''),
			n8nVersion: N8N_VERSION,
		},
		config: CONFIG,
	};
	try {
		report.env.nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || report.env.nproc;
	} catch {
		/* os.cpus() count stays */
	}
	const tarball = packVerified();
	if (has('package')) {
		log('package: tarball size, dependencies, load time');
		report.package = packageMetrics(REPO_ROOT, tarball, node24);
	}

	if (['events', 'diagnostics', 'patched', 'legacy', 'lazy', 'queue', 'dial'].some(has)) {
		const sim = new Child('simulator', path.join(__dirname, 'lib', 'sim-server.js'), node24);
		owned.children.push(sim);
		const loadgen = new Child('load generator', path.join(__dirname, 'lib', 'loadgen.js'), node24);
		owned.children.push(loadgen);
		const { url: simUrl } = await sim.ready;
		await loadgen.ready;
		log(`simulator on ${simUrl}`);

		const n8n = await startN8n(CONFIG.port, env.BENCH_N8N_ENV ? JSON.parse(env.BENCH_N8N_ENV) : {});
		report.env.n8nIdleRssKb = procStatus(n8n.child.pid, 'VmRSS');
		const ctx = {
			n8n,
			tarball,
			sim,
			loadgen,
			simUrl,
			credential: await createTelesignCredential(n8n, simUrl, 'basic'),
			digestCredential: await createTelesignCredential(n8n, simUrl, 'digest'),
			items: dialInput(CONFIG.items),
			eventWorkflows: {},
		};
		if (has('dial')) report.dial = await dialPhase(ctx);
		if (has('events')) report.events = await eventPhase(ctx);
		if (has('diagnostics')) report.diagnostics = await diagnosticsPhase(ctx);
		if (has('patched')) report.patched = await patchedPhase(ctx);
		if (!env.BENCH_ONLY || has('callAndWait')) report.callAndWait = await require('./callAndWait').measure(ctx, log);
		await stopN8n(n8n);
		if (has('legacy')) report.legacy = await legacyPhase(ctx);
		if (has('lazy')) report.lazy = await lazyPhase(ctx);
		if (has('queue')) report.queue = await queuePhase(ctx);
	}

	report.env.loadEnd = loadAverage();
	report.env.totalMin = ((Date.now() - startedAt) / 60_000).toFixed(1);
	const { table, targets } = buildTable(report);
	report.targets = targets;
	const stamp = report.env.date.replace(/[:]/g, '-');
	const rawFile = path.join(OUT_DIR, `results-${stamp}.json`);
	fs.writeFileSync(rawFile, JSON.stringify(report, null, 1));
	const generated = renderGenerated(report, table, targets);
	process.stdout.write(`\n${generated.split('\n').slice(1, -1).join('\n')}\n`);
	if (env.BENCH_NO_WRITE !== '1' && ALL_PARTS.every(has)) {
		writeResults(generated);
		log(`wrote ${path.relative(REPO_ROOT, RESULTS_MD)}`);
	}
	log(`raw samples: ${path.relative(REPO_ROOT, rawFile)}`);
}

main()
	.then(() => cleanup())
	.then(() => process.exit(0))
	.catch((error) => {
		log(`failed: ${error.stack || error}`);
		return cleanup().finally(() => process.exit(1));
	});
