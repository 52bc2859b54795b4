package nodecast;

import java.util.List;
import java.util.Set;

/**
 * One connection's worth of requests. {@code parts} are written with {@code pauseMillis}
 * between them; {@code mustAnswer} answers must come before the server may close the
 * connection (equal to the number of expects: it may not close early at all).
 */
record FuzzCase(int number, String category, String label, List<byte[]> parts, int pauseMillis,
        boolean halfClose, int mustAnswer, List<Expect> expects, long boundMillis) {

    /** What one answer of a case must be. {@code statuses} empty: any status below 500. */
    record Expect(String method, Set<Integer> statuses, Publish publish, long fromId) {
        static Expect any(String method) {
            return new Expect(method, Set.of(), Publish.NONE, -1);
        }

        static Expect status(String method, Integer... statuses) {
            return new Expect(method, Set.of(statuses), Publish.NONE, -1);
        }

        /** A 200 carries a JSON array of messages with ids from {@code fromId} on. */
        static Expect messages(long fromId, Set<Integer> statuses) {
            return new Expect("GET", statuses, Publish.NONE, fromId);
        }
    }

    enum Stores { NOT_A_PUBLISH, NEVER, ALWAYS, MAYBE }

    /** Whether a request may change the log, and the text it stores if it does. */
    record Publish(Stores stores, String text) {
        static final Publish NONE = new Publish(Stores.NOT_A_PUBLISH, null);
        static final Publish REFUSED = new Publish(Stores.NEVER, null);
    }
}
