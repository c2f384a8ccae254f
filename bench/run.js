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
 *
 * The parts live in lib/: config (these variables), lifecycle (n8n, child processes, cleanup), dial (batch
 * dial), events + event-phases (event answering), table + results (the report), proc (/proc readings).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { REPO_ROOT, N8N_VERSION, ensureN8n } = require('../test/e2e/harness/install');
const { CONFIG, ALL_PARTS, OUT_DIR, RESULTS_MD, has } = require('./lib/config');
const {
	owned,
	cleanup,
	installCleanupHandlers,
	startN8n,
	stopN8n,
	packVerified,
	createTelesignCredential,
} = require('./lib/lifecycle');
const { Child } = require('./lib/child');
const { packageMetrics } = require('./lib/package-metrics');
const { dialPhase, dialInput } = require('./lib/dial');
const {
	eventPhase,
	diagnosticsPhase,
	patchedPhase,
	legacyPhase,
	lazyPhase,
	queuePhase,
} = require('./lib/event-phases');
const { buildTable } = require('./lib/table');
const { renderGenerated, writeResults } = require('./lib/results');
const { procStatus, loadAverage } = require('./lib/proc');
const { log } = require('./lib/log');

const env = process.env;

function runEnvironment(node24) {
	const e = {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		nproc: os.cpus().length,
		cpu: (os.cpus()[0]?.model || 'unknown').trim(),
		memGb: Math.round(os.totalmem() / 2 ** 30),
		loadStart: loadAverage(),
		benchNode: process.versions.node,
		n8nNode: execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, ''),
		n8nVersion: N8N_VERSION,
	};
	try {
		e.nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || e.nproc;
	} catch {
		/* os.cpus() count stays */
	}
	return e;
}

/** The simulator and the load generator, each in its own process on n8n's Node. */
async function startChildren(node24) {
	const sim = new Child('simulator', path.join(__dirname, 'lib', 'sim-server.js'), node24);
	owned.children.push(sim);
	const loadgen = new Child('load generator', path.join(__dirname, 'lib', 'loadgen.js'), node24);
	owned.children.push(loadgen);
	const { url: simUrl } = await sim.ready;
	await loadgen.ready;
	log(`simulator on ${simUrl}`);
	return { sim, loadgen, simUrl };
}

/** Every part that needs n8n, in the order that lets the main n8n be stopped before the second ones start. */
async function measureInN8n(report, tarball, node24) {
	const { sim, loadgen, simUrl } = await startChildren(node24);
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
	if (!env.BENCH_ONLY || has('callAndWait'))
		report.callAndWait = await require('./callAndWait').measure(ctx, log);
	await stopN8n(n8n);
	if (has('legacy')) report.legacy = await legacyPhase(ctx);
	if (has('lazy')) report.lazy = await lazyPhase(ctx);
	if (has('queue')) report.queue = await queuePhase(ctx);
}

/** Prints the table, writes the raw samples and (after a complete run) RESULTS.md. */
function publish(report, startedAt) {
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

async function main() {
	const startedAt = Date.now();
	const deadline = setTimeout(() => {
		log(`time limit of ${CONFIG.timeoutMin} min reached: aborting`);
		cleanup().finally(() => process.exit(2));
	}, CONFIG.timeoutMin * 60_000);
	deadline.unref();
	fs.mkdirSync(OUT_DIR, { recursive: true });

	const { node24 } = ensureN8n();
	const report = { env: runEnvironment(node24), config: CONFIG };
	const tarball = packVerified();
	if (has('package')) {
		log('package: tarball size, dependencies, load time');
		report.package = packageMetrics(REPO_ROOT, tarball, node24);
	}
	if (['events', 'diagnostics', 'patched', 'legacy', 'lazy', 'queue', 'dial'].some(has))
		await measureInN8n(report, tarball, node24);
	publish(report, startedAt);
}

installCleanupHandlers();
main()
	.then(() => cleanup())
	.then(() => process.exit(0))
	.catch((error) => {
		log(`failed: ${error.stack || error}`);
		return cleanup().finally(() => process.exit(1));
	});
