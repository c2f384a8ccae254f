'use strict';
/**
 * Reliability and security suite, part 3 (see harness/reliability/suite.js for the six parts and the report):
 * API faults while dialing (429 / 5xx / timeouts / resets): 429 retried as configured, ambiguous failures
 * reported and never retried, zero duplicate dials.
 */
const crypto = require('crypto');

const {
	reliabilitySuite,
	deployBatch,
	executionIds,
	waitForNewExecutions,
	CALLER_ID,
} = require('../harness/reliability');
const { dialParams } = require('./input.cases');
const { AMBIGUOUS, faultCases } = require('./faults.cases');

const suite = reliabilitySuite('faults');
const { board } = suite;
const faultParams = { ...dialParams, options: { ...dialParams.options, concurrency: 8 } };
const oneAtATime = { ...faultParams, options: { ...faultParams.options, concurrency: 1 } };
const onResponse = suite.rememberResponse('HTTP responses of the batch workflows');
const tag = () => crypto.randomBytes(3).toString('hex');

function requestsFor(to, since = 0) {
	return suite.voiceRequests(since).filter((r) => r.body?.params?.to === to);
}

function placedFor(to) {
	return suite.sim.dialsPlaced().filter((d) => d.to === to).length;
}

async function deploy(name, parameters, options = {}) {
	return suite.remember(
		await deployBatch(suite.n8n, name, parameters, {
			credential: await suite.credential('basic'),
			onResponse,
			...options,
		}),
	);
}

function keepErrors(res) {
	for (const item of Array.isArray(res.data) ? res.data : [])
		if (item?.error) suite.scanner.add('error items', item.error);
}

/** The fault batch: every fault of faults.cases.js in one batch with healthy dials, each case checked. */
async function faultBatch() {
	const dial = await deploy('Fault dials', faultParams);
	const cases = faultCases(suite.freshNumber);
	for (const c of cases) {
		if (c.fault) suite.sim.injectFault(c.fault, { to: c.to, times: c.times });
		if (c.blocked) suite.sim.configure({ blocked: { [c.to]: c.blocked } });
	}
	const since = suite.sim.requests().length;
	const started = Date.now();
	const res = await dial.run(
		cases.map((c) => ({ to: c.to, callerId: CALLER_ID, externalId: c.externalId, ...c.input })),
	);
	board.figures['Fault batch (17 dials, 4 healthy) duration'] =
		`${((Date.now() - started) / 1000).toFixed(1)} s`;
	keepErrors(res);
	// The slow dial is placed when the simulator answers, after the node gave up: wait for it (bounded).
	const slow = cases.find((c) => c.fault?.delayMs);
	for (let waited = 0; placedFor(slow.to) === 0 && waited < 15_000; waited += 200)
		await new Promise((resolve) => setTimeout(resolve, 200));
	const answered = await suite.check(
		'fault batch answered, one output item per dial, in input order',
		() => {
			expect(res.status).toBe(200);
			expect(res.data).toHaveLength(cases.length);
			expect(res.data.map((item) => item.external_id ?? item.details?.external_id)).toEqual(
				cases.map((c) => c.externalId),
			);
		},
	);
	if (answered) {
		for (const [i, c] of cases.entries()) {
			await suite.check(c.name, () => {
				const ctx = {
					requests: requestsFor(c.to, since),
					placed: placedFor(c.to),
					externalId: c.externalId,
				};
				c.expect(res.data[i], ctx);
				const item = res.data[i];
				return item.error
					? `${ctx.requests.length} request(s), placed ${ctx.placed}: ${item.error.slice(0, 110)}…`
					: `attempts ${item.attempts}, placed ${ctx.placed}`;
			});
		}
	}
	suite.sim.clearFaults();
	return dial;
}

/** A global rate limit (sliding window) hit by a batch (of the fault batch's workflow): every number called exactly once. */
async function rateLimitedBatch(dial) {
	suite.sim.configure({ rateLimit: { maxPerWindow: 10, windowMs: 1000 } });
	const burstNumbers = Array.from({ length: 30 }, () => suite.freshNumber());
	const since = suite.sim.requests().length;
	const limited = await dial.run(
		burstNumbers.map((to, i) => ({
			to,
			callerId: CALLER_ID,
			externalId: `ratelimit-${i}-${tag()}`,
			rateLimitRetries: 10,
		})),
	);
	suite.sim.configure({ rateLimit: null });
	await suite.check(
		'rate limiter (10 dials/s) during a batch of 30 → all accepted after 429 retries, each number placed exactly once',
		() => {
			expect(limited.status).toBe(200);
			expect(limited.data.every((item) => item.status === 'dial_accepted')).toBe(true);
			const refused = suite.voiceRequests(since).filter((r) => r.status === 429).length;
			expect(refused).toBeGreaterThan(0);
			for (const to of burstNumbers) expect(placedFor(to)).toBe(1);
			return `${refused} answers were 429, ${suite.voiceRequests(since).length} requests for 30 dials`;
		},
	);
}

/** 429 retry with Digest (TSA) signing: the retry is signed again (a reused nonce would be refused). */
async function tsaRetry() {
	const tsa = await deploy('Fault dials (Digest signing)', faultParams, {
		credential: await suite.credential('digest'),
	});
	const to = suite.freshNumber();
	suite.sim.injectFault({ status: 429, retryAfter: 0 }, { to, times: 2 });
	const since = suite.sim.requests().length;
	const res = await tsa.run([{ to, callerId: CALLER_ID, externalId: `tsa-${tag()}` }]);
	await suite.check(
		'429 twice with Digest (TSA) signing → each retry freshly signed and accepted, placed once',
		() => {
			expect(res.data[0]).toMatchObject({ status: 'dial_accepted', attempts: 3 });
			const reqs = requestsFor(to, since);
			expect(reqs.map((r) => [r.authMethod, r.status])).toEqual([
				['tsa', 429],
				['tsa', 429],
				['tsa', 202],
			]);
			expect(placedFor(to)).toBe(1);
		},
	);
}

/** Wrong API key: 401, reported as such, not retried, nothing placed. */
async function wrongKey() {
	const wrong = await deploy('Dial with a wrong API key', faultParams, {
		credential: await suite.credential('wrongKey'),
	});
	const to = suite.freshNumber();
	const since = suite.sim.requests().length;
	const res = await wrong.run([{ to, callerId: CALLER_ID, externalId: `wrongkey-${tag()}` }]);
	keepErrors(res);
	await suite.check(
		'401 not_authorized (wrong API key) → reported, not retried, nothing placed',
		() => {
			expect(res.data[0].error).toMatch(/401.*not_authorized/);
			expect(res.data[0].details.call_may_have_been_placed).toBe(false);
			expect(requestsFor(to, since)).toHaveLength(1);
			expect(placedFor(to)).toBe(0);
			return res.data[0].error.slice(0, 120);
		},
	);
}

/** The error of the workflow's one new execution (waited for). */
async function failedExecution(workflowId, before) {
	const { finished } = await waitForNewExecutions(suite.n8n, workflowId, before, 1, {
		timeoutMs: 30_000,
	});
	const execution = (await suite.n8n.executions(workflowId, { includeData: true })).find(
		(e) => e.id === finished[0].id,
	);
	expect(execution.status).toBe('error');
	return execution.data?.resultData?.error;
}

/** Without Continue On Fail a 500 stops the run: reported in n8n's execution, still not retried. */
async function withoutContinueOnFail() {
	const strict = await deploy('Fault dials, no Continue On Fail', oneAtATime, {
		continueOnFail: false,
	});
	const [okTo, failTo, laterTo] = [suite.freshNumber(), suite.freshNumber(), suite.freshNumber()];
	const failExternalId = `strict-500-${tag()}`;
	suite.sim.injectFault({ status: 500 }, { to: failTo });
	const before = await executionIds(suite.n8n, strict.id);
	const res = await strict.run([
		{ to: okTo, callerId: CALLER_ID, externalId: `strict-ok-${tag()}` },
		{ to: failTo, callerId: CALLER_ID, externalId: failExternalId },
		{ to: laterTo, callerId: CALLER_ID, externalId: `strict-later-${tag()}` },
	]);
	await suite.check(
		'without Continue On Fail: a 500 fails the run with "may have been placed" + external_id, not retried, later items not dialed',
		async () => {
			expect(res.status).toBe(500);
			expect(requestsFor(failTo)).toHaveLength(1);
			expect(placedFor(okTo)).toBe(1);
			expect(requestsFor(laterTo)).toHaveLength(0);
			const error = await failedExecution(strict.id, before);
			expect(error?.message).toMatch(AMBIGUOUS);
			expect(error?.message).toContain(failExternalId);
			return error.message.slice(0, 120);
		},
	);
}

/**
 * n8n's own "Retry On Fail" re-runs the whole node with the same items after it failed: it must not dial an
 * accepted or ambiguous item again.
 */
async function withRetryOnFail() {
	const nodeSettings = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
	const retrying = await deploy('Fault dials, n8n Retry On Fail', oneAtATime, {
		continueOnFail: false,
		nodeSettings,
	});
	const cases = [
		{ key: 'accepted', to: suite.freshNumber(), externalId: `retry-ok-${tag()}` },
		{
			key: 'reset after accept',
			to: suite.freshNumber(),
			externalId: `retry-reset-${tag()}`,
			fault: { reset: 'after' },
		},
		{ key: 'never started', to: suite.freshNumber(), externalId: `retry-later-${tag()}` },
	];
	for (const c of cases) if (c.fault) suite.sim.injectFault(c.fault, { to: c.to });
	const before = await executionIds(suite.n8n, retrying.id);
	const res = await retrying.run(
		cases.map((c) => ({ to: c.to, callerId: CALLER_ID, externalId: c.externalId })),
	);
	await suite.check(
		'n8n "Retry On Fail" (3 tries) after an ambiguous reset: no dial sent twice, the run fails with "may have been placed"',
		async () => {
			const counts = Object.fromEntries(
				cases.map((c) => [c.key, { requests: requestsFor(c.to).length, placed: placedFor(c.to) }]),
			);
			expect(counts).toEqual({
				accepted: { requests: 1, placed: 1 },
				'reset after accept': { requests: 1, placed: 1 },
				'never started': { requests: 0, placed: 0 },
			});
			expect(res.status).toBe(500);
			const error = await failedExecution(retrying.id, before);
			expect(error.message).toMatch(AMBIGUOUS);
			return error.message.slice(0, 150);
		},
	);
}

test('3) API faults during dialing: 429 retried as configured, ambiguous failures reported and never retried, no duplicate dial', async () => {
	await suite.timed(async () => {
		const dial = await faultBatch();
		await rateLimitedBatch(dial);
		await tsaRetry();
		await wrongKey();
		await withoutContinueOnFail();
		await withRetryOnFail();
		await suite.check(
			'simulator: zero duplicate dials per external_id (and per number) so far',
			() => {
				expect(suite.sim.duplicateDials({ by: 'external_id' })).toEqual([]);
				expect(suite.sim.duplicateDials({ by: 'to' })).toEqual([]);
			},
		);
	});
	expect(board.failures('faults')).toEqual([]);
}, 300_000);
