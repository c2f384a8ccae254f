'use strict';
/**
 * The storage side of recordings: the pre-signed, expiring download links Telesign hands out
 * (`GET /v2/call_recording/{reference_id}` answers a `url` per file; https://developer.telesign.com/enterprise/docs/voice-download-recordings)
 * and the host that serves them. The links carry `Expires`, `Signature` and `Key-Pair-Id` query parameters, as a
 * CloudFront-style signed URL does: the host refuses (403) a link past its `Expires` or with a changed signature,
 * and needs no other credential. Every request to it is recorded with its headers, so tests can prove that no
 * Telesign credential ever reached it. The audio is a generated WAV: a 440 Hz tone as long as the call.
 * Methods of TelesignSimulator, mixed in by simulator.js.
 */
const crypto = require('crypto');
const { Readable } = require('stream');

const STORAGE_PATH = '/_sim/recordings/';
const KEY_PAIR_ID = 'SIMKEYPAIR0001';
const SAMPLE_RATE = 8000;
const WAV_HEADER_BYTES = 44;
const CHUNK_SECONDS = 8;

/** 8 kHz, 8-bit unsigned PCM, mono: one byte per sample. */
function wavHeader(dataBytes) {
	const b = Buffer.alloc(WAV_HEADER_BYTES);
	b.write('RIFF', 0);
	b.writeUInt32LE(36 + dataBytes, 4);
	b.write('WAVEfmt ', 8);
	b.writeUInt32LE(16, 16);
	b.writeUInt16LE(1, 20); // PCM
	b.writeUInt16LE(1, 22); // mono
	b.writeUInt32LE(SAMPLE_RATE, 24);
	b.writeUInt32LE(SAMPLE_RATE, 28); // bytes per second
	b.writeUInt16LE(1, 32);
	b.writeUInt16LE(8, 34);
	b.write('data', 36);
	b.writeUInt32LE(dataBytes, 40);
	return b;
}

/** 440 Hz at 8 kHz repeats every 200 samples (8000 / gcd(440, 8000)): one period, computed once. */
const TONE_PERIOD = Buffer.from(
	Array.from({ length: 200 }, (_, i) =>
		Math.round(128 + 96 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)),
	),
);

/** Samples [from, to) of the tone. */
function toneSamples(from, to) {
	const b = Buffer.alloc(to - from);
	for (let i = from; i < to; i++) b[i - from] = TONE_PERIOD[i % TONE_PERIOD.length];
	return b;
}

function audioBytes(seconds) {
	return WAV_HEADER_BYTES + Math.max(1, Math.round(seconds * SAMPLE_RATE));
}

/** The WAV as a stream of chunks, so a long recording is never one buffer in the simulator either. */
function toneWavStream(seconds) {
	const total = audioBytes(seconds) - WAV_HEADER_BYTES;
	let next = 0;
	let headerSent = false;
	return new Readable({
		read() {
			if (!headerSent) {
				headerSent = true;
				this.push(wavHeader(total));
				return;
			}
			if (next >= total) return this.push(null);
			const end = Math.min(total, next + CHUNK_SECONDS * SAMPLE_RATE);
			this.push(toneSamples(next, end));
			next = end;
		},
	});
}

class RecordingFiles {
	_storageSecret() {
		if (!this.__storageSecret) this.__storageSecret = crypto.randomBytes(32);
		return this.__storageSecret;
	}

	_signStorage(fileName, expires) {
		return crypto
			.createHmac('sha256', this._storageSecret())
			.update(`${fileName}\n${expires}`)
			.digest('base64url');
	}

	/** A pre-signed link to one file: valid `recordingUrlTtlMs` from now, or already expired when a test asked for that. */
	_signedRecordingUrl(fileName) {
		let expires = Math.floor((Date.now() + this.cfg.recordingUrlTtlMs) / 1000);
		if (this._expiredUrlsLeft > 0) {
			this._expiredUrlsLeft--;
			expires = Math.floor(Date.now() / 1000) - 60;
		}
		const q = new URLSearchParams({
			Expires: String(expires),
			Signature: this._signStorage(fileName, expires),
			'Key-Pair-Id': KEY_PAIR_ID,
		});
		return `${this.url || ''}${STORAGE_PATH}${encodeURIComponent(fileName)}?${q}`;
	}

	/** The next `n` links handed out by GET /v2/call_recording/{reference_id} are already expired (POST /_sim/config {expireRecordingUrls: n}). */
	expireNextRecordingUrls(n = 1) {
		this._expiredUrlsLeft = (this._expiredUrlsLeft || 0) + Number(n);
	}

	/** The exact bytes the storage host serves for a file (for tests to compare with what arrived). */
	recordingAudio(fileName) {
		const r = this._recordings.find((x) => x.file_name === fileName);
		if (!r) throw new Error(`no recording ${fileName}`);
		const total = audioBytes(r.duration) - WAV_HEADER_BYTES;
		return Buffer.concat([wavHeader(total), toneSamples(0, total)]);
	}

	/** Every request to the storage host: {t, file, status, reason?, headers} (headers lower-cased, as received). */
	storageRequests() {
		return JSON.parse(JSON.stringify(this._storageLog || []));
	}

	_handleStorage(req, res, u) {
		const fileName = decodeURIComponent(u.pathname.slice(STORAGE_PATH.length));
		const entry = { t: Date.now(), file: fileName, headers: { ...req.headers } };
		(this._storageLog = this._storageLog || []).push(entry);
		const refuse = (status, reason) => {
			entry.status = status;
			entry.reason = reason;
			const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${reason}</Message></Error>`;
			res.writeHead(status, {
				'Content-Type': 'text/xml',
				'Content-Length': Buffer.byteLength(body),
			});
			res.end(body);
		};
		if (req.method !== 'GET') return refuse(405, 'method not allowed');
		const expires = u.searchParams.get('Expires');
		const signature = u.searchParams.get('Signature');
		if (!expires || !signature || u.searchParams.get('Key-Pair-Id') !== KEY_PAIR_ID)
			return refuse(403, 'Missing Key');
		const expected = Buffer.from(this._signStorage(fileName, expires));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given))
			return refuse(403, 'Invalid signature');
		if (Number(expires) * 1000 < Date.now()) return refuse(403, 'Request has expired');
		const r = this._recordings.find((x) => x.file_name === fileName);
		if (!r || this._recordingStatus(r) === 'deleted')
			return refuse(404, 'The specified key does not exist.');
		if (this._recordingStatus(r) !== 'available') return refuse(404, 'Still recording');
		entry.status = 200;
		const length = audioBytes(r.duration);
		entry.bytes = length;
		res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': length });
		toneWavStream(r.duration).pipe(res);
	}
}

module.exports = RecordingFiles;
module.exports.STORAGE_PATH = STORAGE_PATH;
module.exports.audioBytes = audioBytes;
