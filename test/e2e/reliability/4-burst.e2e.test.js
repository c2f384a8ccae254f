'use strict';
/**
 * Reliability and security suite, part 4 (see harness/reliability/suite.js for the six parts and the report):
 * a burst of 1,000 signed events at concurrency 32 (RELIABILITY_BURST_EVENTS for fewer while developing; the
 * report is then partial): 1,000 executions and 1,000 correct answers.
 */
const crypto = require('crypto');
const http = require('http');
const axios = require('axios');

const {
	reliabilitySuite,
	executionIds,
	waitForNewExecutions,
	runPool,
	percentile,
	BURST_EVENTS,
	BURST_CONCURRENCY,
	CALLER_ID,
} = require('../harness/reliability');
const { signEventBody } = require('../../simulator');

const suite = reliabilitySuite('burst');
const { board } = suite;

function burstEvents() {
	const tag = crypto.randomBytes(3).toString('hex').toUpperCase();
	return Array.from({ length: BURST_EVENTS }, (_, i) => {
		const ref = `BURST${String(i).padStart(4, '0')}${tag}`;
		const to = `1555300${String(i).padStart(4, '0')}`;
		const body = JSON.stringify({
			event: 'dial_completed',
			reference_id: ref,
			external_id: `burst-${i}`,
			data: { to, from: CALLER_ID, status: 'answered' },
		});
		return { ref, to, body };
	});
}

/** Posts every event, signed, through one keep-alive agent; {status, body, ms} per event, in event order. */
async function postAll(url, events) {
	const { account } = suite.secrets;
	const agent = new http.Agent({ keepAlive: true, maxSockets: BURST_CONCURRENCY });
	const results = await runPool(events, BURST_CONCURRENCY, async (ev) => {
		const sig = signEventBody(account.apiKey, ev.body);
		const t0 = Date.now();
		try {
			const res = await axios.post(url, ev.body, {
				httpAgent: agent,
				headers: {
					'Content-Type': 'application/json',
					Authorization: `TSA ${account.customerId}:${sig}`,
					'X-TS-Authorization': sig,
				},
				transformRequest: [(d) => d],
				transformResponse: [(d) => d],
				validateStatus: () => true,
				timeout: 120_000,
			});
			return { status: res.status, body: res.data, ms: Date.now() - t0 };
		} catch (error) {
			return { status: 0, body: String(error.message), ms: Date.now() - t0 };
		}
	});
	agent.destroy();
	return results;
}

/** Every answer must be 200 with the event's own speak action. */
function scoreAnswers(results, events) {
	const wrong = [];
	results.forEach((r, i) => {
		const expected = {
			jsonrpc: '2.0',
			method: 'speak',
			params: { tts: { message: `Event ${events[i].ref} to ${events[i].to}`, language: 'en-US' } },
		};
		let body;
		try {
			body = JSON.parse(r.body);
		} catch {
			body = r.body;
		}
		if (r.status !== 200 || JSON.stringify(body) !== JSON.stringify(expected))
			wrong.push(`event ${i}: HTTP ${r.status} ${String(r.body).slice(0, 120)}`);
	});
	board.recordGroup(
		'burst',
		`${BURST_EVENTS} signed events answered 200 with their own action (message names the event's reference_id and number)`,
		BURST_EVENTS,
		BURST_EVENTS - wrong.length,
		wrong,
	);
}

/** Exactly one successful execution per event; returns when they were all listed as finished (s since `started`). */
async function scoreExecutions(flow, before, events, started) {
	let executionsSeconds;
	await suite.check(
		`exactly ${BURST_EVENTS} new executions, all successful (none lost, none extra)`,
		async () => {
			const { finished, all } = await waitForNewExecutions(
				suite.n8n,
				flow.id,
				before,
				BURST_EVENTS,
				{ timeoutMs: 240_000, pollMs: 1000 },
			);
			executionsSeconds = (Date.now() - started) / 1000;
			// Anything extra would show up right away: every answer above was sent after its execution finished.
			expect(all).toHaveLength(BURST_EVENTS);
			const statuses = {};
			for (const e of finished) statuses[e.status] = (statuses[e.status] || 0) + 1;
			expect(statuses).toEqual({ success: BURST_EVENTS });
			return `statuses ${JSON.stringify(statuses)}`;
		},
	);
	await suite.check(
		`each of the ${BURST_EVENTS} reference_ids started exactly one execution`,
		async () => {
			const withData = (await suite.n8n.executions(flow.id, { includeData: true })).filter(
				(e) => !before.has(e.id),
			);
			const seen = new Map();
			for (const e of withData) {
				const ref =
					e.data?.resultData?.runData?.[flow.trigger.name]?.[0]?.data?.main?.[0]?.[0]?.json
						?.reference_id;
				seen.set(ref, (seen.get(ref) || 0) + 1);
			}
			expect(seen.size).toBe(BURST_EVENTS);
			for (const ev of events) expect([ev.ref, seen.get(ev.ref)]).toEqual([ev.ref, 1]);
		},
	);
	return executionsSeconds;
}

test(`4) burst: ${BURST_EVENTS} signed events at concurrency ${BURST_CONCURRENCY} → ${BURST_EVENTS} executions and ${BURST_EVENTS} correct answers`, async () => {
	await suite.timed(async () => {
		const flow = await suite.deployTrigger('Burst', 'telesignSignature', {
			speak: '={{ "Event " + $json.reference_id + " to " + $json.data.to }}',
		});
		const before = await executionIds(suite.n8n, flow.id);
		const events = burstEvents();
		const started = Date.now();
		const results = await postAll(flow.url, events);
		const postSeconds = (Date.now() - started) / 1000;
		suite.scanner.add('HTTP responses of the burst', results.map((r) => r.body).join('\n'));
		scoreAnswers(results, events);
		const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
		const executionsSeconds = await scoreExecutions(flow, before, events, started);
		board.figures['Burst: events posted'] =
			`${BURST_EVENTS} at concurrency ${BURST_CONCURRENCY} (keep-alive)`;
		board.figures['Burst: all answers received after'] =
			`${postSeconds.toFixed(1)} s (${(BURST_EVENTS / postSeconds).toFixed(1)} events/s)`;
		board.figures['Burst: answer latency p50 / p95 / max'] =
			`${percentile(latencies, 50)} / ${percentile(latencies, 95)} / ${latencies[latencies.length - 1]} ms`;
		if (executionsSeconds !== undefined)
			board.figures[`Burst: ${BURST_EVENTS} executions listed as finished after`] =
				`${executionsSeconds.toFixed(1)} s`;
	});
	expect(board.failures('burst')).toEqual([]);
}, 600_000);
