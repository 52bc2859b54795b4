package nodecast.log;

/**
 * What a publish did: stored {@code message}, or ({@code replayed}) found its idempotency key
 * already used and stored nothing, {@code message} being the one first stored under that key.
 */
public record Appended(Message message, boolean replayed) {
}
