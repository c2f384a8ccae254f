'use strict';
/** The bench's progress lines (stderr, so stdout carries only the table). */
function log(message) {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

module.exports = { log };
