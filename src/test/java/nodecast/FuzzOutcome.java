package nodecast;

import java.util.List;

/**
 * What came of one case: the answers read, how the connection ended and how long it took.
 * {@code ending}: "answered", "closed" (EOF between answers) or "reset"; with an {@code error}
 * (a broken or late answer), "timeout", "broken" or "interrupted".
 */
record FuzzOutcome(FuzzCase c, List<RawResponse> responses, String ending, String error, long millis) {
}
