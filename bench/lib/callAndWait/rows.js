'use strict';
/** The Call and Wait part's rows in the bench's table (Benchmark | Setting | Median | Spread | … | Check). */
const { fmtMs, fmtMb, fmtX } = require('../format');
const { CONFIG } = require('./config');

/** The latency rows of one scenario: the floor, today's Respond path, and Call and Wait (with its target). */
function latencyRows(r, { sec, shape, row }, targets) {
	const floor = r.latency.floor;
	const line = (setting, l, ratio, check = '', { cpu = '', rss = '(same run)' } = {}) =>
		row([sec, setting, `p50 ${fmtMs(l.p50)} · p99 ${fmtMs(l.p99)}`, `${fmtMs(l.min)}–${fmtMs(l.max)}`, '', ratio, cpu, rss, check]);
	line('Webhook → Set (floor), same client, interleaved', floor, '1.00×', '', { rss: fmtMb(r.rss.waitingKb) });
	const respond = r.latency.respond;
	line('Telesign Voice Trigger → Respond Speak (today\'s path)', respond, `p50 ${fmtX(respond.p50 / floor.p50)} · p99 ${fmtX(respond.p99 / floor.p99)}`);
	const cw = r.latency.callAndWait;
	const ratio = cw.p50 / floor.p50;
	const ok = ratio <= CONFIG.goalRatio;
	targets.push({ target: `Call and Wait: dial_completed → speak p50 ≤ ${CONFIG.goalRatio}× Webhook → Set — ${shape} waiting`, value: fmtX(ratio), met: ok });
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
	targets.push({ target: `Calls waiting at once in one n8n ≥ ${CONFIG.goalWaiting}, each answered and resumed — ${shape}`, value: `${r.verified.items}/${r.calls}`, met: held });
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

/** Rows in run.js's table (Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | RSS | Check). */
function rows(report, row, targets) {
	for (const r of report.results) {
		const shape = r.itemsPerExecution > 1 ? `1 execution × ${r.calls} calls` : `${r.executions} executions × 1 call`;
		const section = { sec: `Call and Wait · ${shape} waiting · ${r.latency.floor.n} events each · concurrency 1`, shape, row };
		latencyRows(r, section, targets);
		heldRow(r, section, targets);
	}
}

module.exports = { rows };
