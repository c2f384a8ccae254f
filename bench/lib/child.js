'use strict';
/**
 * A child process of the bench (the simulator, the load generator) driven over IPC:
 * {id, cmd, ...args} → {id, ok, result | error}; it announces itself with {ready: true, ...}.
 */
const { fork } = require('child_process');

class Child {
	constructor(name, file, execPath) {
		this.name = name;
		this.pending = new Map();
		this.seq = 0;
		this.proc = fork(file, [], { execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		this.ready = new Promise((resolve, reject) => {
			this.proc.once('error', reject);
			this.proc.once('exit', (code) =>
				reject(new Error(`${name} exited (code ${code}) before it was ready`)),
			);
			this.proc.on('message', (msg) => (msg.ready ? resolve(msg) : this._answer(msg)));
		});
		this.ready.catch(() => undefined);
		this.proc.on('exit', (code, signal) => {
			for (const p of this.pending.values())
				p.reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
			this.pending.clear();
		});
	}

	_answer(msg) {
		const p = this.pending.get(msg.id);
		if (!p) return;
		this.pending.delete(msg.id);
		if (msg.ok) p.resolve(msg.result);
		else p.reject(new Error(`${this.name}: ${msg.error}`));
	}

	call(cmd, args = {}, timeoutMs = 300_000) {
		const id = ++this.seq;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			this.pending.set(id, {
				resolve: (v) => (clearTimeout(timer), resolve(v)),
				reject: (e) => (clearTimeout(timer), reject(e)),
			});
			this.proc.send({ id, cmd, ...args });
		});
	}

	kill() {
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
	}
}

module.exports = { Child };
