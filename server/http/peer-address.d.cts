/** The request header the hook writes: `<this process's secret> <socket address>`. */
export const PEER_ADDRESS_HEADER: string;
/** The socket address this process's hook stamped on the request, or null without a valid stamp. */
export function peerAddressFrom(headers: Headers): string | null;
/** Stamps every request with its socket address on every HTTP server of this process (idempotent). */
export function stampPeerAddresses(): boolean;
