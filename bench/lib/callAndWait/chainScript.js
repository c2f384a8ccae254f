'use strict';
/**
 * The on-call list scenario's script and checks, without I/O (lib/callAndWait/escalation.js runs them; unit tests:
 * test/unit/benchChainScript.test.js): the events Telesign posts for a chain's first call when it ends without an
 * acknowledgement, the answers they must get, the dials the simulator must have seen, and each chain's outcome item.
 *
 * Two ways a first call ends unacknowledged, alternating from chain to chain, as the "busy, no answer,
 * nothing pressed" lists them: the line is busy (dial_completed "busy", then call_completed), or the callee
 * answers, hears the prompt and presses nothing (speak_completed with no digits → hangup, then call_completed).
 * Telesign's failure statuses of dial_completed are not published (busy is the simulator's word for it, as in
 * the e2e suite), which is why the package treats any status but "answered" the same way.
 */
const t = require('./telesign');

const FLAVOURS = ['busy', 'noKey'];
const flavourOf = (index) => FLAVOURS[index % FLAVOURS.length];

/** An answer that asks Telesign for nothing (`{}`): what a busy line's dial_completed must get. */
const isNoAction = (body) => {
	try {
		const parsed = JSON.parse(body);
		return parsed !== null && typeof parsed === 'object' && parsed.method === undefined;
	} catch {
		return false;
	}
};

const silentSpeakCompleted = (dial) => ({
	event: 'speak_completed',
	reference_id: dial.reference_id,
	external_id: dial.external_id,
	data: { status: 'speak_successful', collected_digits: '' },
});

/** The first call's events before its call_completed, each with the check of its answer. */
function eventsBeforeEnd(dial, flavour) {
	if (flavour === 'busy') {
		const body = t.dialCompleted(dial);
		body.data.status = 'busy';
		return [{ what: 'dial_completed busy → no action', body, check: isNoAction }];
	}
	if (flavour !== 'noKey') throw new Error(`unknown first-call flavour ${flavour}`);
	return [
		{
			what: 'dial_completed answered → speak + collect_digits',
			body: t.dialCompleted(dial),
			check: t.isPrompt,
		},
		{
			what: 'speak_completed, nothing pressed → hangup',
			body: silentSpeakCompleted(dial),
			check: t.isHangup,
		},
	];
}

/** The first call's call_completed: the measured event, after which the next person must be dialled. */
function endOfCall(dial, flavour) {
	const body = t.callCompleted(dial);
	if (flavour === 'busy')
		Object.assign(body.data, { status: 'busy', duration: 0, answered_on_utc: null });
	return body;
}

/** The same call_completed for Webhook → Set: no Call and Wait marker (the floor's node reads nothing of it). */
const floorEndOfCall = (index, flavour) =>
	endOfCall(
		{ reference_id: `BENCHESC${String(index).padStart(24, '0')}`, to: '15552000000' },
		flavour,
	);

/**
 * The dials placed must be, for every chain, its first and second numbers exactly once each and nobody after the
 * second (who acknowledged). Returns what is wrong (empty when all is right), at most `limit` lines.
 */
function dialProblems(dials, chains, limit = 5) {
	const counts = new Map();
	for (const d of dials) counts.set(d.to, (counts.get(d.to) ?? 0) + 1);
	const problems = [];
	const known = new Set();
	for (const chain of chains) {
		chain.recipients.forEach((to, position) => {
			known.add(to);
			const expected = position < 2 ? 1 : 0;
			const seen = counts.get(to) ?? 0;
			if (seen !== expected)
				problems.push(
					`${to} (person ${position + 1} of a chain) dialled ${seen}×, expected ${expected}×`,
				);
		});
	}
	for (const [to, seen] of counts)
		if (!known.has(to)) problems.push(`${to} is in no chain, dialled ${seen}×`);
	if (dials.length !== 2 * chains.length)
		problems.unshift(
			`${dials.length} dials for ${chains.length} chains (expected ${2 * chains.length})`,
		);
	return problems.slice(0, limit);
}

/**
 * One chain's outcome item: acknowledged by the second person (key 1, round 1), the two attempts in order with
 * what the first call did and the reference_ids of the two dials. Returns what is wrong, or undefined.
 */
function outcomeProblem(json, chain) {
	const [first, second] = chain.recipients;
	const attempts = (json.attempts ?? []).map((a) => [
		a.to,
		a.round,
		a.answered,
		a.status,
		a.digits,
		a.reference_id,
	]);
	const expected = [
		[
			first,
			1,
			chain.flavour === 'noKey',
			chain.flavour === 'busy' ? 'busy' : 'hangup',
			null,
			chain.dials[0]?.reference_id,
		],
		[second, 1, true, 'hangup', '1', chain.dials[1]?.reference_id],
	];
	const by = json.acknowledged_by ?? {};
	const ok =
		json.acknowledged === true &&
		json.status === 'acknowledged' &&
		by.to === second &&
		by.round === 1 &&
		by.digits === '1' &&
		json.to === second &&
		JSON.stringify(attempts) === JSON.stringify(expected);
	if (ok) return undefined;
	return `chain ${first} → ${second} (${chain.flavour}): ${JSON.stringify({ acknowledged: json.acknowledged, status: json.status, acknowledged_by: json.acknowledged_by, attempts })}`;
}

module.exports = {
	FLAVOURS,
	flavourOf,
	eventsBeforeEnd,
	endOfCall,
	floorEndOfCall,
	dialProblems,
	outcomeProblem,
	isNoAction,
};
