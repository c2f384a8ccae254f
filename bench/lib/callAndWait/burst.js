'use strict';
/**
 * Call and Wait under a concurrent burst (bench/README.md, part 4, "under a 16-way burst"). Every call waits
 * (BENCH_CW_BURST_CALLS executions of one call each); then their events are posted with
 * BENCH_CW_BURST_CONCURRENCY (16) in flight, as when many calls are answered at the same moment:
 *   1. dial_completed "answered" of every call (relayed, answered speak + collect_digits),
 *   2. speak_completed with key 1 (relayed, answered hangup),
 * each phase in blocks; after every relay block, a block of the same size and concurrency goes to Webhook → Set
 * (the floor) and one to Telesign Voice Trigger → Respond Speak (today's path), carrying the same kind of event
 * (without the Call and Wait marker), the order of the three rotating from block to block. So the three paths
 * share the machine's load, and a block's CPU time of the n8n process is that path's (nothing else is posted
 * meanwhile; what n8n finishes after answering, e.g. saving an execution, can spill into the next block, and the
 * rotation spreads that over the paths). The first block of each phase (BENCH_CW_BURST_WARMUP calls) is a
 * warm-up for all three.
 *   3. call_completed of every call, same concurrency: each ends its call, resumes its execution and starts the
 *      relay trigger's call-log run; then every execution's outcome is checked.
 * A wrong or missing answer is counted and reported (the table's Check column), not a reason to lose the run. As
 * Telesign would, a call whose dial_completed was answered with anything but the prompt gets no speak_completed
 * (its outcome must then say not acknowledged). The trigger answers hangup when a relay fails (relay.ts), which
 * is also speak_completed's right answer: the relays that failed are counted from n8n's log (its warning).
 */
const fs = require('fs');
const { pool } = require('../pool');
const { cpuMs, loadAverage } = require('../proc');
const { percentile, min, max } = require('../stats');
const { CONFIG } = require('./config');
const t = require('./telesign');
const s = require('./scenario');

const PATHS = ['relay', 'floor', 'respond'];
const floorRef = (i) => `BENCHBURST${String(i).padStart(22, '0')}`;

/** The relayed event of each phase, the answer it must get, and the same kind of event for the floor and Respond. */
const PHASES = {
	dial_completed: {
		event: t.dialCompleted,
		check: t.isPrompt,
		floorEvent: (i) => t.dialCompleted({ reference_id: floorRef(i), to: '15552000000' }),
	},
	speak_completed: {
		event: t.speakCompleted,
		check: t.isHangup,
		floorEvent: (i) => t.speakCompleted({ reference_id: floorRef(i) }),
	},
};

function chunks(values, first, size) {
	const out = [values.slice(0, first)];
	for (let i = first; i < values.length; i += size) out.push(values.slice(i, i + size));
	return out;
}

/** Posts one block with `concurrency` in flight; adds its latencies, wall time, n8n CPU time and wrong answers to `acc`. */
async function postBlock(pid, concurrency, posts, acc) {
	const cpu0 = cpuMs(pid);
	const started = performance.now();
	const ms = new Array(posts.length);
	await pool(posts, concurrency, async (post, k) => {
		const r = await post();
		ms[k] = r.ms;
		if (!r.ok) {
			acc.failures++;
			acc.firstFailure = acc.firstFailure || r.failure;
		}
	});
	acc.wallMs += performance.now() - started;
	acc.cpuMs += cpuMs(pid) - cpu0;
	acc.latencies.push(...ms);
}

/** A post to `url` whose answer must pass `check`: {ms, ok, failure}. */
async function checkedPost(url, body, check, what) {
	let r;
	try {
		r = await t.post(url, body);
	} catch (error) {
		return { ms: NaN, ok: false, failure: `${what}: ${error.message}` };
	}
	const ok = r.status === 200 && check(r.body);
	return {
		ms: r.ms,
		ok,
		failure: ok ? undefined : `${what}: HTTP ${r.status} ${String(r.body).slice(0, 120)}`,
	};
}

/**
 * The trigger's warnings of relays that failed (timeout, no answer) in n8n's log so far: {count, last}. n8n logs
 * them at level warn, the bench's default N8N_LOG_LEVEL (with `error` they are not counted).
 */
function relayWarnings(n8n) {
	const lines = fs
		.readFileSync(n8n.logPath, 'utf8')
		.split('\n')
		.filter((l) => l.includes('Call and Wait call not relayed'));
	return { count: lines.length, last: lines[lines.length - 1] };
}

const newAcc = () => ({ latencies: [], wallMs: 0, cpuMs: 0, failures: 0, firstFailure: undefined });

/** The three paths' blocks of one phase, interleaved; `acc[path]` gets the measured blocks. */
async function burstPhase(run, pid, dials, name, state) {
	const { urls, triggerUrl } = run;
	const phase = PHASES[name];
	const { concurrency, block, warmupCalls } = CONFIG.burst;
	const acc = Object.fromEntries(PATHS.map((p) => [p, newAcc()]));
	const blocks = chunks(dials, warmupCalls, block);
	for (let b = 0; b < blocks.length; b++) {
		const calls = blocks[b];
		const others = (url, label) =>
			calls.map(() => {
				const body = phase.floorEvent(state.floorEvents++);
				return () => checkedPost(url, body, t.isSpeak, `${label}, ${name}`);
			});
		const posts = {
			relay: calls.map((dial) => async () => {
				const r = await checkedPost(
					triggerUrl,
					phase.event(dial),
					phase.check,
					`relayed ${name} of ${dial.to}`,
				);
				if (!r.ok && name === 'dial_completed') state.ended.add(dial.to); // Telesign would end this call here
				return r;
			}),
			floor: others(urls.floor, 'Webhook → Set'),
			respond: others(urls.respond, 'Respond Speak'),
		};
		for (let k = 0; k < PATHS.length; k++) {
			const path = PATHS[(k + state.rotation) % PATHS.length];
			if (b > 0) {
				await postBlock(pid, concurrency, posts[path], acc[path]);
				continue;
			}
			const warm = newAcc(); // a wrong answer in the warm-up still counts
			await postBlock(pid, concurrency, posts[path], warm);
			acc[path].failures += warm.failures;
			acc[path].firstFailure = acc[path].firstFailure || warm.firstFailure;
		}
		state.rotation++;
	}
	return acc;
}

/** Latency percentiles, throughput while its blocks ran and n8n CPU per event of accumulated blocks. */
function summarize(accs) {
	const latencies = accs.flatMap((a) => a.latencies).filter(Number.isFinite);
	const sum = (key) => accs.reduce((total, a) => total + a[key], 0);
	const n = accs.reduce((total, a) => total + a.latencies.length, 0);
	return {
		n,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		min: min(latencies),
		max: max(latencies),
		perSecond: (n / sum('wallMs')) * 1000,
		cpuMsPerEvent: sum('cpuMs') / n,
		failures: sum('failures'),
		firstFailure: accs.map((a) => a.firstFailure).find(Boolean),
	};
}

/** call_completed of every call at the same concurrency, then until every execution has resumed. */
async function completeAll(run, pid, dials, workflowId) {
	const acc = newAcc();
	const cpu0 = cpuMs(pid);
	const started = Date.now();
	await postBlock(
		pid,
		CONFIG.burst.concurrency,
		dials.map(
			(dial) => () =>
				checkedPost(
					run.triggerUrl,
					t.callCompleted(dial),
					() => true,
					`call_completed of ${dial.to}`,
				),
		),
		acc,
	);
	await s.until(`${dials.length} executions resumed`, async () => {
		const success = await s.countExecutions(run.n8n, workflowId, 'success');
		return { done: success === dials.length, seen: `${success} succeeded` };
	});
	// CPU until the last execution resumed: the resumes and the call-log runs, and the bench's polls of the count.
	return { ...summarize([{ ...acc, cpuMs: cpuMs(pid) - cpu0 }]), finishMs: Date.now() - started };
}

/** The burst scenario in a running n8n; `run` as for scenario() (callAndWait.js measure()). */
async function burstScenario(run) {
	const { n8n, sim, log } = run;
	const pid = n8n.child.pid;
	const { calls: measured, concurrency, warmupCalls } = CONFIG.burst;
	const calls = measured + warmupCalls;
	const { workflowId, url } = await s.deployScenario(run, 'burst', false);
	sim.reset();
	const numbers = Array.from({ length: calls }, () => String(15552000000 + run.nextNumber++));
	const rssIdleKb = await s.settledRssKb(pid);
	log(`call and wait burst: placing ${calls} calls in ${calls} executions`);
	const placeMs = await s.placeCalls(run, {
		url,
		workflowId,
		bodies: numbers.map((to) => ({ to })),
		calls,
		executions: calls,
	});
	const rssWaitingKb = await s.settledRssKb(pid);
	const dials = sim.dialsPlaced();
	const loadStart = loadAverage();
	log(
		`  ${calls} calls waiting after ${(placeMs / 1000).toFixed(1)} s; events with ${concurrency} in flight, three paths interleaved (load average ${loadStart})`,
	);
	const state = { rotation: 0, floorEvents: 0, ended: new Set() };
	const phases = {};
	const relayFailed = {};
	for (const name of Object.keys(PHASES)) {
		const before = relayWarnings(n8n).count;
		phases[name] = await burstPhase(
			run,
			pid,
			dials.filter((d) => !state.ended.has(d.to)),
			name,
			state,
		);
		const after = relayWarnings(n8n);
		relayFailed[name] = {
			count: after.count - before,
			last: after.count > before ? after.last : undefined,
		};
		log(
			`  ${name}: relay p50 ${percentile(phases[name].relay.latencies, 50).toFixed(0)} ms, Webhook → Set p50 ${percentile(phases[name].floor.latencies, 50).toFixed(0)} ms (load average ${loadAverage()})`,
		);
	}
	const loadEnd = loadAverage();
	log(`  call_completed of ${calls} calls, ${concurrency} in flight (load average ${loadEnd})`);
	const callCompleted = await completeAll(run, pid, dials, workflowId);
	let verified;
	try {
		verified = await s.verifyOutcomes(
			n8n,
			workflowId,
			new Map(dials.map((d) => [d.to, d])),
			calls,
			state.ended,
		);
	} catch (error) {
		verified = { executions: 0, items: 0, error: error.message };
	}
	const rssAfterKb = await s.settledRssKb(pid);
	await n8n.deactivate(workflowId);
	const paths = {};
	for (const path of PATHS) {
		paths[path] = { all: summarize(Object.values(phases).map((p) => p[path])) };
		for (const name of Object.keys(PHASES)) paths[path][name] = summarize([phases[name][path]]);
	}
	for (const name of Object.keys(PHASES)) paths.relay[name].relayFailed = relayFailed[name];
	paths.relay.all.relayFailed = {
		count: relayFailed.dial_completed.count + relayFailed.speak_completed.count,
		last: relayFailed.speak_completed.last || relayFailed.dial_completed.last,
	};
	log(
		`  relay p50 ${paths.relay.all.p50.toFixed(0)} ms, Webhook → Set p50 ${paths.floor.all.p50.toFixed(0)} ms; ${verified.items}/${calls} outcomes checked`,
	);
	return {
		key: 'burst',
		calls,
		measuredCalls: measured,
		concurrency,
		block: CONFIG.burst.block,
		load: { start: loadStart, end: loadEnd },
		placeMs,
		rss: { idleKb: rssIdleKb, waitingKb: rssWaitingKb, afterKb: rssAfterKb },
		paths,
		callCompleted,
		verified: { ...verified, endedEarly: state.ended.size },
	};
}

module.exports = { burstScenario, PHASES };
