'use strict';
/**
 * Postgres and Redis for the queue-mode suite, started from the Debian packages' binaries on free loopback
 * ports in throwaway directories — never the system services (scripts/install-queue-deps.sh installs the
 * packages when missing). Postgres refuses to run as root, so as root it runs as the `postgres` user.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(file, args, opts = {}) {
	const [cmd, argv] =
		opts.asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
	try {
		return execFileSync(cmd, argv, {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
			timeout: opts.timeoutMs || 60_000,
		});
	} catch (error) {
		const output = `${error.stdout || ''}${error.stderr || ''}`.trim();
		throw new Error(
			`${path.basename(file)} ${args.slice(0, 2).join(' ')} failed: ${error.message.split('\n')[0]}\n${output}`,
		);
	}
}

/** True when nothing listens on 127.0.0.1:port. */
function portFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The first free port in [from, to] that is not in `taken`. */
async function freePort(from, to, taken = []) {
	for (let port = from; port <= to; port++) {
		if (!taken.includes(port) && (await portFree(port))) return port;
	}
	throw new Error(`no free port in ${from}–${to} (set QUEUE_SERVICES_PORT to another range)`);
}

function postgresBin(name) {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', name)))
		: [];
	if (versions.length === 0)
		throw new Error(
			`Postgres (${name}) not found under ${root}: run scripts/install-queue-deps.sh as root`,
		);
	const newest = versions.sort((a, b) => Number(a) - Number(b)).pop();
	return path.join(root, newest, 'bin', name);
}

const DB = { database: 'n8n', user: 'n8n', password: 'n8n-queue-suite' };

/** Starts a throwaway Postgres cluster; returns what to give n8n and what stopPostgres needs. */
function startPostgres(port) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-queue-pg-'));
	if (asRoot) {
		const uid = Number(run('id', ['-u', 'postgres']).trim());
		const gid = Number(run('id', ['-g', 'postgres']).trim());
		fs.chownSync(dir, uid, gid);
	}
	run(
		postgresBin('initdb'),
		['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
		{ asPostgres: true, timeoutMs: 120_000 },
	);
	// A test database: durability traded for speed (fsync off), enough connections for four n8n processes.
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
	run(
		postgresBin('pg_ctl'),
		['-D', dir, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start'],
		{ asPostgres: true, timeoutMs: 90_000 },
	);
	const psql = (sql) =>
		run('psql', [
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'postgres',
			'-v',
			'ON_ERROR_STOP=1',
			'-qc',
			sql,
		]);
	psql(`CREATE USER ${DB.user} PASSWORD '${DB.password}'`);
	psql(`CREATE DATABASE ${DB.database} OWNER ${DB.user}`);
	return {
		dir,
		port,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: DB.database,
			DB_POSTGRESDB_USER: DB.user,
			DB_POSTGRESDB_PASSWORD: DB.password,
		},
	};
}

function stopPostgres({ dir }) {
	if (!dir || !fs.existsSync(path.join(dir, 'postmaster.pid'))) return removeDir(dir);
	try {
		run(postgresBin('pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', '-t', '30', 'stop'], {
			asPostgres: true,
		});
	} catch {
		killPidFile(path.join(dir, 'postmaster.pid'), 'postgres');
	}
	removeDir(dir);
}

function startRedis(port) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-queue-redis-'));
	const pidFile = path.join(dir, 'redis.pid');
	run('redis-server', [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--daemonize',
		'yes',
		'--save',
		'',
		'--appendonly',
		'no',
		'--dir',
		dir,
		'--pidfile',
		pidFile,
		'--logfile',
		path.join(dir, 'redis.log'),
	]);
	const started = Date.now();
	for (;;) {
		try {
			if (run('redis-cli', ['-p', String(port), 'ping'], { timeoutMs: 5000 }).trim() === 'PONG')
				break;
		} catch {
			/* not up yet */
		}
		if (Date.now() - started > 20_000)
			throw new Error(`redis on port ${port} not up after 20 s; log: ${dir}/redis.log`);
		execFileSync('sleep', ['0.2']);
	}
	return {
		dir,
		port,
		pidFile,
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
	};
}

function stopRedis({ dir, port, pidFile }) {
	try {
		if (port) run('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeoutMs: 10_000 });
	} catch {
		/* not running, or not answering: the pid file decides */
	}
	if (pidFile) killPidFile(pidFile, 'redis-server');
	removeDir(dir);
}

/** Kills the process a pid file names, only if its command line still contains `expected` (pids get reused). */
function killPidFile(pidFile, expected) {
	let pid;
	try {
		pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0].trim());
	} catch {
		return;
	}
	killIfMatches(pid, expected);
}

function killIfMatches(pid, expected) {
	if (!pid) return false;
	let cmdline;
	try {
		cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
	} catch {
		return false;
	}
	if (!cmdline.includes(expected)) return false;
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		return false;
	}
	return true;
}

function removeDir(dir) {
	if (dir && dir.startsWith(os.tmpdir()) && path.basename(dir).startsWith('telesign-queue-'))
		fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = {
	portFree,
	freePort,
	startPostgres,
	stopPostgres,
	startRedis,
	stopRedis,
	killIfMatches,
	removeDir,
};
