/**
 * The exact bytes of a webhook request. Both ends of the relay need them: Telesign signs the bytes it posts,
 * and the relay signature covers the same bytes, so nothing may re-serialise a parsed body.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

export type RawBodyRequest = ReturnType<IWebhookFunctions['getRequestObject']> & {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
};

/**
 * Makes sure req.rawBody holds the bytes received. n8n reads the body before webhook() for version-1 webhook
 * nodes and, from version 1.1 on, only for content types it can parse (JSON, text, form, XML); for anything
 * else it offers req.readRawBody() (as its own Webhook node uses for binary bodies).
 */
export async function ensureRawBody(req: RawBodyRequest): Promise<void> {
	if (req.rawBody !== undefined || typeof req.readRawBody !== 'function') return;
	try {
		await req.readRawBody();
	} catch {
		// An aborted or oversized body: rawBody stays unset and the next steps answer as for a missing body.
	}
}

/** The exact bytes received (n8n keeps them as req.rawBody), or undefined when they are not available. */
export function getRawBody(req: RawBodyRequest): Buffer | undefined {
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return undefined;
}

/** Both steps: the bytes received, reading them first when n8n did not. */
export async function readRawBody(req: RawBodyRequest): Promise<Buffer | undefined> {
	await ensureRawBody(req);
	return getRawBody(req);
}
