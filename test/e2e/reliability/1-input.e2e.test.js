'use strict';
/**
 * Reliability and security suite, part 1 (see harness/reliability/suite.js for the six parts and the report):
 * bad input to the action node — every operation, with Continue On Fail; nothing sent for an invalid item.
 */
const { reliabilitySuite, deployBatch, CALLER_ID } = require('../harness/reliability');
const {
	dialParams,
	dialCases,
	respondCases,
	recordingGetAllCases,
	referenceIdCases,
} = require('./input.cases');

const suite = reliabilitySuite('input');
const { board } = suite;
let badInputCases = 0;

/** Checks every case of a batch against its output item (see scoreBatch). */
async function scoreCases(label, res, cases, requests) {
	for (const [index, c] of cases.entries()) {
		await suite.check(`${label}: ${c.name}`, () => {
			const item = res.data[index];
			if (c.error) {
				expect(typeof item.error).toBe('string');
				expect(item.error).toMatch(c.error);
				expect(item.error.length).toBeLessThan(400);
				if (c.request) expect(requests.filter(c.request)).toEqual([]);
			} else {
				expect(item.error).toBeUndefined();
				c.ok?.(item, requests);
			}
		});
	}
}

/**
 * Runs one batch of cases through a batch workflow and scores each case. A case is
 * {name, input, error?: RegExp, ok?: (item, requests) => void, request?: (r) => boolean}:
 * - with `error`: the item must be an error item whose message matches (naming the field, short), and no
 *   request may match `request` (the simulator saw nothing for it);
 * - otherwise the item must succeed and `ok` is run.
 * `sends` (batch): which simulator requests belong to this operation, to check that only valid items sent one.
 */
async function scoreBatch(label, batch, cases, { sends, noRequests = false } = {}) {
	badInputCases += cases.filter((c) => c.error).length;
	const since = suite.sim.requests().length;
	const res = await batch.run(cases.map((c) => c.input));
	for (const item of Array.isArray(res.data) ? res.data : [])
		if (item && item.error) suite.scanner.add('error items', item.error);
	const requests = suite.sim.requests().slice(since);
	const answered = await suite.check(
		`${label}: batch of ${cases.length} items answered, one output item per input item`,
		() => {
			expect(res.status).toBe(200);
			expect(Array.isArray(res.data)).toBe(true);
			expect(res.data).toHaveLength(cases.length);
		},
	);
	if (!answered) return;
	await scoreCases(label, res, cases, requests);
	if (noRequests) {
		await suite.check(`${label}: no request to Telesign at all (the action is the output)`, () => {
			expect(requests).toEqual([]);
		});
	}
	if (sends) {
		const valid = cases.filter((c) => !c.error).length;
		await suite.check(`${label}: requests sent only for the ${valid} valid items`, () => {
			expect(requests.filter(sends)).toHaveLength(valid);
		});
	}
}

const onResponse = suite.rememberResponse('HTTP responses of the batch workflows');

async function dialBatches() {
	const basic = await suite.credential('basic');
	const dial = suite.remember(
		await deployBatch(suite.n8n, 'Dial batch', dialParams, { credential: basic, onResponse }),
	);
	await scoreBatch('Call → Dial', dial, dialCases(suite.freshNumber), {
		sends: (r) => r.path === '/v2/voice',
	});

	// Without Continue On Fail, one invalid item stops the node before any call is placed.
	const strict = suite.remember(
		await deployBatch(suite.n8n, 'Dial batch, no Continue On Fail', dialParams, {
			credential: basic,
			continueOnFail: false,
			onResponse,
		}),
	);
	const validTo = suite.freshNumber();
	const since = suite.sim.requests().length;
	const res = await strict.run([
		{ to: validTo, callerId: CALLER_ID, externalId: 'strict-valid' },
		{ to: '555-CALL-NOW', callerId: CALLER_ID, externalId: 'strict-invalid' },
		{ to: suite.freshNumber(), callerId: CALLER_ID, externalId: 'strict-valid-2' },
	]);
	await suite.check(
		'Call → Dial without Continue On Fail: one invalid item of 3 fails the run, no call placed at all',
		() => {
			expect(res.status).toBe(500);
			expect(suite.voiceRequests(since)).toEqual([]);
		},
	);
}

async function respondBatches() {
	const respond = async (operation, parameters) =>
		suite.remember(
			await deployBatch(
				suite.n8n,
				`Respond ${operation} batch`,
				{ resource: 'respond', operation, ...parameters },
				{ onResponse },
			),
		);
	const collect = { collectDigits: '={{ $json.collect }}', maxDigits: '={{ $json.maxDigits }}' };
	const speak = await respond('speak', {
		message: '={{ $json.message }}',
		language: { __rl: true, mode: 'code', value: '={{ $json.language }}' },
		...collect,
	});
	await scoreBatch('Respond → Speak', speak, respondCases.speak(), { noRequests: true });
	const play = await respond('play', { audioUrl: '={{ $json.url }}', ...collect });
	await scoreBatch('Respond → Play', play, respondCases.play(), { noRequests: true });
	const dtmf = await respond('sendDtmf', { digits: '={{ $json.digits }}' });
	await scoreBatch('Respond → Send DTMF', dtmf, respondCases.sendDtmf(), { noRequests: true });
	const raw = await respond('rawAction', {
		method: '={{ $json.method }}',
		params: '={{ $json.params }}',
	});
	await scoreBatch('Respond → Raw Action', raw, respondCases.rawAction(), { noRequests: true });
	const bridge = await respond('dial', {
		to: '={{ $json.to }}',
		callerIdNumber: '={{ $json.callerId }}',
		options: { maxCallDuration: '={{ $json.maxCallDuration }}', sendDtmf: '={{ $json.sendDtmf }}' },
	});
	await scoreBatch('Respond → Dial (bridge)', bridge, respondCases.bridge(), { noRequests: true });
}

async function recordingBatches() {
	const credential = await suite.credential('basic');
	const recording = async (operation, parameters) =>
		suite.remember(
			await deployBatch(
				suite.n8n,
				`Recording ${operation} batch`,
				{ resource: 'recording', operation, ...parameters },
				{ credential, onResponse },
			),
		);
	const sends = (r) => r.path.startsWith('/v2/call_recording');
	const getAll = await recording('getAll', {
		start: '={{ $json.daysAgo !== undefined ? $now.minus({ days: $json.daysAgo }) : $json.start }}',
		end: '={{ $json.daysAgo !== undefined ? $now : $json.end }}',
		returnAll: false,
		limit: '={{ $json.limit }}',
	});
	await scoreBatch('Recording → Get Many', getAll, recordingGetAllCases(), { sends });
	const get = await recording('get', { referenceId: '={{ $json.ref }}' });
	await scoreBatch('Recording → Get', get, referenceIdCases(['RELGET0001']), { sends });
	const del = await recording('delete', { referenceId: '={{ $json.ref }}' });
	await scoreBatch('Recording → Delete', del, referenceIdCases(['RELDEL0001', 'RELDEL0002']), {
		sends,
	});
}

test('1) bad input to the action node: clear errors naming the field, valid items unaffected, nothing sent for invalid items', async () => {
	await suite.timed(async () => {
		await dialBatches();
		await respondBatches();
		await recordingBatches();
	});
	// How many invalid items were tried is a figure of the report, not a test (input.cases.js decides it).
	board.figures['Invalid items tried (category 1)'] = badInputCases;
	expect(board.failures('input')).toEqual([]);
}, 300_000);
