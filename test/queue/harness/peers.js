'use strict';
/**
 * Which cluster process sent a request to a server of the test (Linux only): the request's TCP connection is
 * looked up in /proc/net/tcp{,6} by its two ports, and the socket's inode in the open files of each process.
 * Used to tell which n8n process dialled a call (the Telesign API front in escalation.queue.test.js). Exact, not
 * a guess from timing: the connection is open while its request is being read.
 */
const fs = require('fs');

const hexPort = (port) => port.toString(16).toUpperCase().padStart(4, '0');

/** The inode of the socket whose local port is `clientPort` and remote port `serverPort`, as the client sees it. */
function clientSocketInode(clientPort, serverPort) {
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text;
		try {
			text = fs.readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10) continue;
			const [local, remote] = [fields[1], fields[2]];
			if (local.endsWith(`:${hexPort(clientPort)}`) && remote.endsWith(`:${hexPort(serverPort)}`))
				return fields[9];
		}
	}
	return undefined;
}

function holdsSocket(pid, inode) {
	const dir = `/proc/${pid}/fd`;
	let fds;
	try {
		fds = fs.readdirSync(dir);
	} catch {
		return false;
	}
	return fds.some((fd) => {
		try {
			return fs.readlinkSync(`${dir}/${fd}`) === `socket:[${inode}]`;
		} catch {
			return false;
		}
	});
}

/**
 * The role (of `processes`: [{role, pid}]) holding the client end of `socket` (an accepted connection of ours);
 * 'unknown' when none does.
 */
function senderOf(socket, processes) {
	const inode = clientSocketInode(socket.remotePort, socket.localPort);
	if (inode === undefined || inode === '0') return 'unknown';
	const found = processes.find((p) => p.pid && holdsSocket(p.pid, inode));
	return found ? found.role : 'unknown';
}

module.exports = { senderOf };
