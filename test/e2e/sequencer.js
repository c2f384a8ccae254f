'use strict';
/**
 * The order of the e2e files: jest's own for the others, then the reliability suite's parts in their numbered
 * order (test/e2e/reliability/1-… to 5-…): part 5 scans what parts 1–4 left behind.
 */
const Sequencer = require('@jest/test-sequencer').default;

const RELIABILITY = /[\\/]reliability[\\/]\d-[^\\/]+\.e2e\.test\.js$/;

class E2eSequencer extends Sequencer {
	sort(tests) {
		const others = super.sort(tests.filter((t) => !RELIABILITY.test(t.path)));
		const parts = tests.filter((t) => RELIABILITY.test(t.path)).sort((a, b) => a.path.localeCompare(b.path));
		return [...others, ...parts];
	}
}

module.exports = E2eSequencer;
