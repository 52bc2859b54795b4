package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret publishers must give to publish or clear: {@code Authorization: Bearer KEY}, or the
 * form's {@code key} field. Null when publishing is open to anyone.
 */
public final class PublisherKey {
    private final byte[] keyDigest;

    private PublisherKey(String key) {
        this.keyDigest = key == null ? null : digest(key);
    }

    public static PublisherKey required(String key) {
        return new PublisherKey(key);
    }

    public static PublisherKey open() {
        return new PublisherKey(null);
    }

    /** A key for an operator who set none: 32 random bytes, URL-safe, so it can travel in the publisher URL. */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public boolean isOpen() {
        return keyDigest == null;
    }

    boolean admits(HttpServerExchange exchange, PublishFields form) {
        if (isOpen()) {
            return true;
        }
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        return matches(authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : form.get("key"));
    }

    /** The form's key field if it holds the right key, to fill into the next form page; else null. */
    String keptInForm(PublishFields form) {
        String field = form.get("key");
        return !isOpen() && matches(field) ? field : null;
    }

    private boolean matches(String given) {
        // Digests have one length whatever was given, so comparing them in constant time leaks nothing, not even the key's length.
        return given != null && MessageDigest.isEqual(digest(given), keyDigest);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
