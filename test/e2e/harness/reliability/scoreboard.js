'use strict';
/**
 * The reliability suite's scoreboard: cases per category, figures and durations, printed as a table and written
 * as markdown (test/.out/RELIABILITY.md; `npm run test:reliability-report` publishes it as test/RELIABILITY.md).
 * Each test file keeps its own and hands it on (toJSON); the report is the boards of a run's files absorbed into one.
 */
const os = require('os');

/**
 * Cases per category. `check` runs one case and records whether it passed (an assertion that throws = failed);
 * the test then asserts that its category has no failures, so a failing case fails the jest test as well.
 */
class Scoreboard {
	constructor(categories) {
		/** @type {Array<{key: string, title: string}>} */
		this.categories = categories;
		/** @type {Array<{category: string, name: string, ok: boolean, error?: string, tried?: number, passed?: number}>} */
		this.cases = [];
		this.figures = {};
		this.durations = {};
		this.ran = new Set();
	}

	/** Runs one case; never throws (the failure is recorded and reported by assertCategory). */
	async check(category, name, fn) {
		this.ran.add(category);
		try {
			const detail = await fn();
			this.cases.push({
				category,
				name,
				ok: true,
				detail: typeof detail === 'string' ? detail : undefined,
			});
			return true;
		} catch (error) {
			this.cases.push({
				category,
				name,
				ok: false,
				error: String(error?.message ?? error).slice(0, 1500),
			});
			return false;
		}
	}

	/** A group of many similar cases counted individually (e.g. 1,000 burst events). */
	recordGroup(category, name, tried, passed, failures = []) {
		this.ran.add(category);
		this.cases.push({
			category,
			name,
			ok: tried === passed,
			tried,
			passed,
			error: failures.length > 0 ? failures.slice(0, 10).join('\n') : undefined,
		});
	}

	failures(category) {
		return this.cases
			.filter((c) => c.category === category && !c.ok)
			.map((c) => `${c.name}: ${c.error ?? 'failed'}`);
	}

	toJSON() {
		return {
			cases: this.cases,
			figures: this.figures,
			durations: this.durations,
			ran: [...this.ran],
		};
	}

	/** Adds another board's cases, figures, durations and categories run (its toJSON()). */
	absorb(saved) {
		this.cases.push(...saved.cases);
		Object.assign(this.figures, saved.figures);
		for (const [key, seconds] of Object.entries(saved.durations))
			this.durations[key] = (this.durations[key] || 0) + seconds;
		for (const key of saved.ran) this.ran.add(key);
	}

	rows() {
		return this.categories.map(({ key, title }) => {
			let tried = 0;
			let passed = 0;
			for (const c of this.cases.filter((x) => x.category === key)) {
				tried += c.tried ?? 1;
				passed += c.passed ?? (c.ok ? 1 : 0);
			}
			return { key, title, tried, passed, ran: this.ran.has(key), seconds: this.durations[key] };
		});
	}

	allRan() {
		return this.categories.every(({ key }) => this.ran.has(key));
	}

	table() {
		const rows = this.rows();
		const lines = [
			'| Category | Cases tried | Passed | Rate | Time |',
			'|---|---:|---:|---:|---:|',
			...rows.map((r) => {
				const rate =
					r.tried === 0
						? r.ran
							? '—'
							: 'not run'
						: `${((100 * r.passed) / r.tried).toFixed(1)} %`;
				const time = r.seconds === undefined ? '' : `${r.seconds.toFixed(1)} s`;
				return `| ${r.title} | ${r.tried} | ${r.passed} | ${rate} | ${time} |`;
			}),
		];
		const total = rows.reduce(
			(a, r) => ({ tried: a.tried + r.tried, passed: a.passed + r.passed }),
			{ tried: 0, passed: 0 },
		);
		lines.push(
			`| **Total** | **${total.tried}** | **${total.passed}** | **${total.tried ? ((100 * total.passed) / total.tried).toFixed(1) : 0} %** | |`,
		);
		return lines.join('\n');
	}

	markdown(meta) {
		const out = [
			'# Reliability and security suite — latest run',
			'',
			'Written by the suite `test/e2e/reliability/` (six test files, part of `npm test`, run in CI) at the end of every',
			'complete run (to `test/.out/RELIABILITY.md`; `npm run test:reliability-report` publishes it here): the real action',
			'node and trigger inside a real n8n, against the local Telesign simulator. Every case is also a jest assertion,',
			'so a case that fails fails the test run.',
			'',
			`- Date: ${meta.date}`,
			`- n8n: ${meta.n8nVersion} (SQLite, regular mode), Node ${meta.nodeVersion} for the suite`,
			`- Machine: ${meta.cores} CPU cores (${meta.cpuModel}), ${meta.memoryGb} GB RAM, ${meta.platform}`,
			`- Suite duration: ${meta.totalSeconds.toFixed(1)} s; load average (1/5/15 min) at start ${fmtLoad(meta.loadAtStart)}, at end ${fmtLoad(os.loadavg())} (other processes on the machine slow n8n down)`,
			'',
			this.table(),
			'',
		];
		if (Object.keys(this.figures).length > 0) {
			out.push('## Figures', '');
			for (const [name, value] of Object.entries(this.figures)) out.push(`- ${name}: ${value}`);
			out.push('');
		}
		out.push('## Cases', '', ...this.caseLines());
		if (meta.notes && meta.notes.length > 0) {
			out.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
		}
		return out.join('\n');
	}

	/** Every case under its category's title: ✅/❌, name, count of a group, detail or first line of the error. */
	caseLines() {
		const out = [];
		for (const { key, title } of this.categories) {
			const cases = this.cases.filter((c) => c.category === key);
			out.push(`### ${title}`, '');
			if (cases.length === 0) out.push('(not run)');
			for (const c of cases) {
				const count = c.tried !== undefined ? ` (${c.passed}/${c.tried})` : '';
				const detail = c.ok
					? c.detail
						? ` — ${c.detail}`
						: ''
					: ` — ${String(c.error).split('\n')[0]}`;
				out.push(`- ${c.ok ? '✅' : '❌'} ${c.name}${count}${detail}`);
			}
			out.push('');
		}
		return out;
	}
}

function fmtLoad(load) {
	return (load || []).map((x) => x.toFixed(1)).join(' / ');
}

function machineMeta() {
	const cpus = os.cpus();
	return {
		cores: cpus.length,
		cpuModel: (cpus[0]?.model || 'unknown').replace(/\s+/g, ' ').trim(),
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		platform: `${os.platform()} ${os.release()}`,
		nodeVersion: process.version,
	};
}

module.exports = { Scoreboard, machineMeta };
