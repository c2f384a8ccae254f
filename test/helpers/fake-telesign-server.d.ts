export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	rawQuery: string;
	headers: Record<string, string | undefined>;
	body: string;
	json: unknown;
	authorized: boolean;
}

export interface FakeAnswer {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	delayMs?: number;
	/** Reset the connection without answering. */
	destroy?: boolean;
}

export interface FakeState {
	requests: RecordedRequest[];
	inFlight: number;
	maxInFlight: number;
	authFailures: number;
	/** Requests answered (or reset) so far. */
	answered: number;
}

export interface FakeTelesign {
	url: string;
	state: FakeState;
	close(): Promise<void>;
}

export function startFakeTelesign(options: {
	credentials: { customerId: string; apiKey: string; authMethod: 'basic' | 'digest' };
	handler: (request: RecordedRequest, state: FakeState) => FakeAnswer | Promise<FakeAnswer>;
}): Promise<FakeTelesign>;
