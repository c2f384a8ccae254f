/**
 * The relay between the Telesign Voice Trigger and a waiting Call → Call and Wait for Response node, both sides
 * in one module (docs/call-and-wait.md has the sequence diagram):
 * - protocol.ts: the marker in a dial's external_id, the relay key and signatures (pure);
 * - send.ts: the trigger posts a Telesign event to the waiting execution and checks the signed answer;
 * - receive.ts: the waiting node checks a relayed event and signs its answer;
 * - rawBody.ts: the exact bytes of a request, which both signatures cover.
 */
export * from './protocol';
export * from './rawBody';
export * from './receive';
export * from './send';
