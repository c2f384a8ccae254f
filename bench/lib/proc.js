'use strict';
/** Linux /proc readings of the n8n process (memory, CPU) and the machine's load. */
const fs = require('fs');
const os = require('os');

function procStatus(pid, field) {
	try {
		const m = new RegExp(`${field}:\\s+(\\d+)`).exec(
			fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
		);
		return m ? Number(m[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** Resets the peak-RSS mark of the n8n process (Linux clear_refs 5), so VmHWM then is the peak of one run. */
function resetPeakRss(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
/** CPU time of a process, all threads (utime + stime), in ms. */
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
	} catch {
		return NaN;
	}
}

function loadAverage() {
	return os
		.loadavg()
		.map((v) => v.toFixed(2))
		.join(' / ');
}

module.exports = { procStatus, resetPeakRss, cpuMs, loadAverage };
