package nodecast.bench;

import java.util.Arrays;
import java.util.List;

/** The transports the comparison with a peer measures, each against the peer's own; {@code word} is what --transports takes. */
enum Transport {
    POLL("poll", "long-poll"),
    SSE("sse", "Server-Sent Events"),
    WEBSOCKET("ws", "WebSocket");

    static final List<Transport> ALL = List.of(values());

    final String word;
    final String label;

    Transport(String word, String label) {
        this.word = word;
        this.label = label;
    }

    /** A comma-separated list of words, in the order given, each once. */
    static List<Transport> parse(String words) {
        return Arrays.stream(words.split(",")).map(String::strip).distinct().map(Transport::of).toList();
    }

    private static Transport of(String word) {
        return Arrays.stream(values()).filter(t -> t.word.equals(word)).findFirst()
                .orElseThrow(() -> new Settings.Invalid("--transports takes poll, sse and ws, got '" + word + "'"));
    }
}
