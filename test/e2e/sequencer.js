'use strict';
/**
 * The order of the e2e files: jest's own for the others, then the reliability suite's parts in their numbered
 * order (test/e2e/reliability/1-… to 6-…) except part 5 (secrets), which runs last: it scans what the other parts
 * left behind.
 */
const Sequencer = require('@jest/test-sequencer').default;

const RELIABILITY = /[\\/]reliability[\\/]\d-[^\\/]+\.e2e\.test\.js$/;

class E2eSequencer extends Sequencer {
	sort(tests) {
		const others = super.sort(tests.filter((t) => !RELIABILITY.test(t.path)));
		const last = (t) => (/[\\/]5-secrets\.e2e\.test\.js$/.test(t.path) ? 1 : 0);
		const parts = tests
			.filter((t) => RELIABILITY.test(t.path))
			.sort((a, b) => last(a) - last(b) || a.path.localeCompare(b.path));
		return [...others, ...parts];
	}
}

module.exports = E2eSequencer;
