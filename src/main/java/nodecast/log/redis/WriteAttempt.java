package nodecast.log.redis;

import redis.clients.jedis.HostAndPort;

/**
 * What one attempt at a write did, as far as this instance can know.
 *
 * @param result the script's result, for {@link Outcome#CONFIRMED} and {@link Outcome#NOT_REPLICATED}
 * @param reason why it is not confirmed, for the others
 * @param server the server it was sent to; null when no connection was had
 */
record WriteAttempt<T>(Outcome outcome, T result, String reason, RuntimeException cause, HostAndPort server) {

    enum Outcome {
        /** Done (or found done by an earlier attempt), and, where writes wait for a replica, a replica has it. */
        CONFIRMED,
        /** Done on the master, but no replica confirmed it: WAIT answered 0 or failed, or the script could not write what WAIT confirms. */
        NOT_REPLICATED,
        /** Redis answered with an error before doing anything. */
        REFUSED,
        /** It never reached Redis: no connection could be made, or those at hand were dead before it was sent. */
        NOT_SENT,
        /** It was sent, and its answer lost. */
        ANSWER_LOST
    }

    static <T> WriteAttempt<T> done(Outcome outcome, T result, String reason, HostAndPort server) {
        return new WriteAttempt<>(outcome, result, reason, null, server);
    }

    static <T> WriteAttempt<T> failed(Outcome outcome, String reason, RuntimeException cause, HostAndPort server) {
        return new WriteAttempt<>(outcome, null, reason, cause, server);
    }
}
