/**
 * The largest order the engine takes: 10^12 fen (10 billion yuan). It keeps every position's numbers inside
 * 63 bits (units mint at no more than 10^6 per credited fen), so the column storage can never overflow.
 */
export const MAX_AMOUNT_FEN = 1_000_000_000_000n;
