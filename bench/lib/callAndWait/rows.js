'use strict';
/** The Call and Wait part's rows in the bench's table (Benchmark | Setting | Median | Spread | … | Check). */
const { fmtMs, fmtMb, fmtX } = require('../format');
const { CONFIG } = require('./config');

/** The latency rows of one scenario: the floor, today's Respond path, and Call and Wait (with its target). */
function latencyRows(r, { sec, shape, row }, targets) {
	const floor = r.latency.floor;
	const line = (setting, l, ratio, check = '', { cpu = '', rss = '(same run)' } = {}) =>
		row([
			sec,
			setting,
			`p50 ${fmtMs(l.p50)} · p99 ${fmtMs(l.p99)}`,
			`${fmtMs(l.min)}–${fmtMs(l.max)}`,
			'',
			ratio,
			cpu,
			rss,
			check,
		]);
	line('Webhook → Set (floor), same client, interleaved', floor, '1.00×', '', {
		rss: fmtMb(r.rss.waitingKb),
	});
	const respond = r.latency.respond;
	line(
		"Telesign Voice Trigger → Respond Speak (today's path)",
		respond,
		`p50 ${fmtX(respond.p50 / floor.p50)} · p99 ${fmtX(respond.p99 / floor.p99)}`,
	);
	const cw = r.latency.callAndWait;
	const ratio = cw.p50 / floor.p50;
	const ok = ratio <= CONFIG.goalRatio;
	targets.push({
		target: `Call and Wait: dial_completed → speak p50 ≤ ${CONFIG.goalRatio}× Webhook → Set — ${shape} waiting`,
		value: fmtX(ratio),
		met: ok,
	});
	line(
		'Call and Wait: dial_completed → Trigger → relay → waiting node → speak + collect_digits',
		cw,
		`**p50 ${fmtX(ratio)}** · p99 ${fmtX(cw.p99 / floor.p99)} · ${fmtX(cw.p50 / respond.p50)} Respond`,
		`${ok ? '✅' : '❌'} ≤${CONFIG.goalRatio}×`,
		{ cpu: `${fmtMs(r.cpuMsPerRound)}/round of 3 events` },
	);
}

/** The row of the calls held at once (with its target). */
function heldRow(r, { sec, shape, row }, targets) {
	const held = r.calls >= CONFIG.goalWaiting && r.verified.items === r.calls;
	targets.push({
		target: `Calls waiting at once in one n8n ≥ ${CONFIG.goalWaiting}, each answered and resumed — ${shape}`,
		value: `${r.verified.items}/${r.calls}`,
		met: held,
	});
	row([
		sec,
		`Held: ${r.calls} calls dialled and waiting (placed in ${fmtMs(r.placeMs)}); then all finished (${fmtMs(r.finishMs)}): ${r.verified.executions} execution(s) resumed, ${r.verified.items} acknowledged items checked`,
		`${r.calls} waiting`,
		'',
		'',
		'',
		'',
		`RSS idle ${fmtMb(r.rss.idleKb)} → all waiting ${fmtMb(r.rss.waitingKb)} → all resumed ${fmtMb(r.rss.afterKb)}`,
		`${held ? '✅' : '❌'} ≥${CONFIG.goalWaiting}, all answered`,
	]);
}

const failed = (r) => {
	const out = [];
	if (r.failures > 0)
		out.push(`❌ ${r.failures} wrong or missing answers (${String(r.firstFailure).slice(0, 80)})`);
	const relay = r.relayFailed;
	if (relay?.count > 0)
		out.push(
			`❌ ${relay.count} relays failed, answered hangup by the trigger (${String(relay.last)
				.replace(/.*not relayed: /, '')
				.slice(0, 60)})`,
		);
	return out.join(' · ');
};
const cpuCell = (r, floor) =>
	`${fmtMs(r.cpuMsPerEvent)}/event${floor ? ` (${fmtX(r.cpuMsPerEvent / floor.cpuMsPerEvent)} floor)` : ''}`;

/** One path's row of the burst: latency, throughput, ratio to the floor (and to Respond), CPU per event. */
function burstLine(
	row,
	sec,
	setting,
	r,
	{ floor, respond, check = '', rss = '(same run)', ratio = '1.00×' } = {},
) {
	if (floor)
		ratio = `**p50 ${fmtX(r.p50 / floor.p50)}** · p99 ${fmtX(r.p99 / floor.p99)}${respond ? ` · p50 ${fmtX(r.p50 / respond.p50)} Respond` : ''}`;
	const cells = [
		sec,
		setting,
		`p50 ${fmtMs(r.p50)} · p99 ${fmtMs(r.p99)}`,
		`${fmtMs(r.min)}–${fmtMs(r.max)}`,
		`${r.perSecond.toFixed(1)} events/s`,
	];
	row([...cells, ratio, cpuCell(r, floor), rss, [check, failed(r)].filter(Boolean).join(' · ')]);
}

/** The burst's rows: Webhook → Set, Trigger → Respond, the relay (all, then per event), call_completed, the calls held. */
function burstRows(b, row) {
	const { floor, respond, relay } = b.paths;
	const sec =
		`Call and Wait · ${b.concurrency}-way burst · ${b.calls} executions × 1 call waiting · ${floor.all.n} events per path ` +
		`(${b.measuredCalls} calls × 2 events, after ${b.calls - b.measuredCalls} calls' warm-up), blocks of ${b.block} interleaved · load average ${b.load.start} → ${b.load.end}`;
	burstLine(
		row,
		sec,
		`Webhook → Set (floor), same client, same events, ${b.concurrency} in flight`,
		floor.all,
		{ rss: fmtMb(b.rss.waitingKb) },
	);
	burstLine(row, sec, "Telesign Voice Trigger → Respond Speak (today's path)", respond.all, {
		floor: floor.all,
	});
	const ratio = relay.all.p50 / floor.all.p50;
	burstLine(
		row,
		sec,
		'Call and Wait relay, every relayed answer: Trigger → relay → waiting node → answer',
		relay.all,
		{
			floor: floor.all,
			respond: respond.all,
			check: `${relay.all.failures || relay.all.relayFailed?.count ? '' : '✅ every answer right · '}p50 ${ratio <= CONFIG.goalRatio ? '✅' : '❌'} ≤${CONFIG.goalRatio}× (the goal set at concurrency 1)`,
		},
	);
	burstLine(
		row,
		sec,
		"… of which dial_completed → speak + collect_digits (ratios: same phase's blocks)",
		relay.dial_completed,
		{ floor: floor.dial_completed, respond: respond.dial_completed },
	);
	burstLine(
		row,
		sec,
		"… of which speak_completed (key 1) → hangup (ratios: same phase's blocks)",
		relay.speak_completed,
		{ floor: floor.speak_completed, respond: respond.speak_completed },
	);
	const cc = b.callCompleted;
	burstLine(
		row,
		sec,
		`call_completed of every call (ends it, resumes its execution, runs the call log); CPU until the last resumed (${fmtMs(cc.finishMs)})`,
		cc,
		{ ratio: '' },
	);
	const ok = b.verified.items === b.calls && !b.verified.error;
	row([
		sec,
		`Held: ${b.calls} calls dialled and waiting (placed in ${fmtMs(b.placeMs)}); ${b.verified.executions} execution(s) resumed, ${b.verified.items} outcome items checked` +
			(b.verified.endedEarly
				? ` (${b.verified.endedEarly} calls answered hangup at dial_completed, ended there as Telesign would: not acknowledged)`
				: ', all acknowledged'),
		`${b.calls} waiting`,
		'',
		'',
		'',
		'',
		`RSS idle ${fmtMb(b.rss.idleKb)} → all waiting ${fmtMb(b.rss.waitingKb)} → all resumed ${fmtMb(b.rss.afterKb)}`,
		ok
			? '✅ every execution resumed once, right outcome per call'
			: `❌ ${String(b.verified.error || `${b.verified.items}/${b.calls}`).slice(0, 120)}`,
	]);
}

/** The on-call list rows: Webhook → Set, call_completed → next person's dial (with its target), the trigger's answer, the chains held. */
function escalationRows(e, row, targets) {
	const { floor, nextDial, triggerAnswer } = e.latency;
	const sec = `Call and Wait · on-call lists · ${e.chains} executions × 1 chain of ${e.length} numbers (One After Another) waiting · ${floor.n} chains measured (after ${e.chains - e.measured}) · concurrency 1`;
	const cells = (l) => [
		`p50 ${fmtMs(l.p50)} · p95 ${fmtMs(l.p95)} · p99 ${fmtMs(l.p99)}`,
		`${fmtMs(l.min)}–${fmtMs(l.max)}`,
		'',
	];
	row([
		sec,
		'Webhook → Set (floor): the same call_completed body without the marker, same client, interleaved',
		...cells(floor),
		'1.00×',
		'',
		fmtMb(e.rss.waitingKb),
		'',
	]);
	const ratio = nextDial.p50 / floor.p50;
	const ok = ratio <= CONFIG.goalRatio && e.failures.count === 0;
	targets.push({
		target: `On-call list: call_completed of an unacknowledged call → next person's dial at Telesign, p50 ≤ ${CONFIG.goalRatio}× Webhook → Set`,
		value: fmtX(ratio),
		met: ok,
	});
	const wrong =
		e.failures.count > 0
			? ` · ❌ ${e.failures.count} wrong or missing (${String(e.failures.first).slice(0, 80)})`
			: '';
	row([
		sec,
		"call_completed of the first call (busy, or answered and nothing pressed; alternating) → Trigger → relay → waiting node → next person's POST /v2/voice received by the simulator",
		...cells(nextDial),
		`**p50 ${fmtX(ratio)}** · p95 ${fmtX(nextDial.p95 / floor.p95)}`,
		`${fmtMs(e.cpuMsPerChain)}/chain (its 2–3 events + 1 floor event)`,
		'(same run)',
		`${ratio <= CONFIG.goalRatio ? '✅' : '❌'} ≤${CONFIG.goalRatio}×${wrong}`,
	]);
	row([
		sec,
		"… of which the trigger's answer to that call_completed (the relay's round trip; the waiting node answers it, then dials)",
		...cells(triggerAnswer),
		`p50 ${fmtX(triggerAnswer.p50 / floor.p50)}`,
		'',
		'(same run)',
		'',
	]);
	const after = e.latency.dialAfterAnswer;
	if (after)
		row([
			sec,
			"… then the dial: per chain, the dial's arrival at the simulator minus the trigger's answer's (n8n's credential read and the request)",
			...cells(after),
			`p50 ${fmtX(after.p50 / floor.p50)}`,
			'',
			'(same run)',
			'',
		]);
	const held = Math.min(e.waiting.before, e.waiting.after);
	const right = e.dials.problems.length === 0 && e.verified.items === e.chains && !e.verified.error;
	targets.push({
		target: `On-call lists waiting at once in one n8n ≥ ${CONFIG.goalWaiting}, each next person dialled once`,
		value: `${held} waiting, ${e.verified.items}/${e.chains} right`,
		met: held >= CONFIG.goalWaiting && right,
	});
	const problem = e.verified.error || e.dials.problems.join('; ');
	row([
		sec,
		`Held: ${e.chains} chains dialled and waiting (placed in ${fmtMs(e.placeMs)}); ${e.waiting.before} waiting before the measurement, ${e.waiting.after} after (each on its second call); then every second person pressed 1 (${fmtMs(e.finishMs)}): ${e.verified.executions} execution(s) resumed, ${e.dials.total} dials`,
		`${held} chains waiting`,
		'',
		'',
		'',
		'',
		`RSS idle ${fmtMb(e.rss.idleKb)} → all waiting ${fmtMb(e.rss.waitingKb)} → all resumed ${fmtMb(e.rss.afterKb)}`,
		right && held >= CONFIG.goalWaiting
			? `✅ ≥${CONFIG.goalWaiting}; every chain dialled its 1st and 2nd number once, nobody after; acknowledged by the 2nd, both attempts right`
			: `❌ ${String(problem || `${held} waiting`).slice(0, 160)}`,
	]);
}

/** Rows in run.js's table (Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | RSS | Check). */
function rows(report, row, targets) {
	for (const r of report.results) {
		const shape =
			r.itemsPerExecution > 1
				? `1 execution × ${r.calls} calls`
				: `${r.executions} executions × 1 call`;
		const section = {
			sec: `Call and Wait · ${shape} waiting · ${r.latency.floor.n} events each · concurrency 1`,
			shape,
			row,
		};
		latencyRows(r, section, targets);
		heldRow(r, section, targets);
	}
	if (report.escalation) escalationRows(report.escalation, row, targets);
	if (report.burst) burstRows(report.burst, row);
}

module.exports = { rows };
